"""Government affairs (政务) service: notices, the online service hall, welfare and community life."""
