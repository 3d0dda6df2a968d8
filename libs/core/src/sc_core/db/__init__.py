"""Database access for a service: async engine, unit of work, platform tables, migrations."""

from sc_core.db.engine import Database, create_database_if_missing, database_name, make_engine
from sc_core.db.tables import PlatformTables, platform_tables
from sc_core.db.uow import UnitOfWork

__all__ = [
    "Database",
    "PlatformTables",
    "UnitOfWork",
    "create_database_if_missing",
    "database_name",
    "make_engine",
    "platform_tables",
]
