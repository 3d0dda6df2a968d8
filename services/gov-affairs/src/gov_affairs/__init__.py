"""Government affairs (政务): notices, the online service hall, welfare, community life."""
