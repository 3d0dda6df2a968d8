"""Tables, queries and Alembic migrations of the audit store."""
