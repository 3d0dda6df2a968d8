"""Alembic, once: each service keeps its revisions in ``<pkg>/db/migrations`` and its
``env.py`` calls :func:`run_env`; :func:`upgrade` runs them programmatically."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATION_LOCK = 0x5C_0A1E_B1C
"""Advisory lock key held by a migration run for its whole transaction."""


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.attributes["database_url"] = url
    return cfg


async def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    cfg = alembic_config(migrations_dir, url)
    await asyncio.to_thread(command.upgrade, cfg, revision)


def run_env(target_metadata: MetaData) -> None:
    """Body of a service's ``env.py``."""
    from alembic import context

    url = str(
        context.config.attributes.get("database_url")
        or context.config.get_main_option("sqlalchemy.url")
    )
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def _migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            # one migration at a time per database: replicas starting together (the chart's
            # init containers) wait here, then find the schema at head and do nothing
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            context.run_migrations()

    async def _run() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                await conn.run_sync(_migrate)
                await conn.commit()
        finally:
            await engine.dispose()

    asyncio.run(_run())


async def model_drift(url: str, metadata: MetaData) -> list[object]:
    """Differences between the migrated database and the models (empty when they match).

    Services assert this is empty in their tests, so a model change without its
    migration fails CI.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: list(compare_metadata(MigrationContext.configure(c), metadata))
            )
    finally:
        await engine.dispose()
