"""Use cases: the transaction, scope checks and audit of what routes ask for."""
