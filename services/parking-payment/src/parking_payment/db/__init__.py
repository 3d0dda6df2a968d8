"""parking-payment's database: tables on one metadata (Alembic's target)."""
