"""Alembic per service: migrations run programmatically, and they match the models."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from sample_models import metadata
from sc_core.db.migrate import model_drift, upgrade

MIGRATIONS = Path(__file__).parent / "sample_migrations"


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_creates_tables_and_models_match(fresh_database_url: str) -> None:
    await upgrade(MIGRATIONS, fresh_database_url)
    assert {"event_outbox", "event_inbox", "notes", "alembic_version"} <= await _tables(
        fresh_database_url
    )
    assert await model_drift(fresh_database_url, metadata) == []
    await upgrade(MIGRATIONS, fresh_database_url)  # a second run changes nothing


async def test_drift_is_reported_when_a_model_changes(fresh_database_url: str) -> None:
    from sqlalchemy import Column, String, Table

    from sc_core.db.tables import new_metadata

    await upgrade(MIGRATIONS, fresh_database_url)
    changed = new_metadata()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    Table("notes_extra", changed, Column("id", String(10), primary_key=True))
    drift = await model_drift(fresh_database_url, changed)
    assert any("notes_extra" in str(d) for d in drift)


def test_migrate_command_creates_database_and_migrates(
    fresh_database_url: str, tmp_path: Path
) -> None:
    """`python -m <service> migrate` on a database that does not exist yet (dev)."""
    url = fresh_database_url.rsplit("/", 1)[0] + f"/mig_{tmp_path.name[-8:].lower()}"
    script = (
        "import sys; from pathlib import Path;"
        "from sc_core.cli import run_service; from sc_core.settings import ServiceSettings;"
        f"run_service(lambda: ServiceSettings(service_name='sample', database_url={url!r},"
        " database_auto_create=True), None, "
        f"migrations_dir=Path({str(MIGRATIONS)!r}), argv=['migrate'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "sample: migrations applied" in done.stdout
    import asyncio

    assert "notes" in asyncio.run(_tables(url))


async def test_downgrade_removes_the_platform_tables(fresh_database_url: str) -> None:
    import asyncio

    from alembic import command

    from sc_core.db.migrate import alembic_config

    await upgrade(MIGRATIONS, fresh_database_url)
    await asyncio.to_thread(
        command.downgrade, alembic_config(MIGRATIONS, fresh_database_url), "base"
    )
    assert await _tables(fresh_database_url) == {"alembic_version"}
