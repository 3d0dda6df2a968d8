from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sc_devinfra.postgres import (
    EmbeddedPostgres,
    asyncpg_dsn,
    to_asyncpg_url,
    url_for_database,
)


@pytest.fixture
def pg_dir() -> Iterator[Path]:
    """Not under tmp_path: pytest re-locks its base dir (0700) when any session starts,
    which would keep the `pgserver` user out of it (see the module docs)."""
    path = Path(tempfile.mkdtemp(prefix="sc-pg-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def server(pg_dir: Path) -> Iterator[EmbeddedPostgres]:
    with EmbeddedPostgres(pg_dir / "pg") as pg:
        yield pg


async def test_create_database_and_query(server: EmbeddedPostgres) -> None:
    assert server.url.startswith("postgresql+asyncpg://postgres:postgres@127.0.0.1:")
    url = server.create_database("orders")
    assert url == server.create_database("orders")  # idempotent
    assert url.endswith(f"127.0.0.1:{server.port}/orders")

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE item (id int PRIMARY KEY, name text)"))
            await conn.execute(text("INSERT INTO item VALUES (1, 'lamp')"))
        async with engine.connect() as conn:
            name = (await conn.execute(text("SELECT name FROM item WHERE id = 1"))).scalar_one()
            db = (await conn.execute(text("SELECT current_database()"))).scalar_one()
    finally:
        await engine.dispose()
    assert (name, db) == ("lamp", "orders")

    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        assert await conn.fetchval("SELECT count(*) FROM item") == 1
        version = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    assert version.startswith("16.")

    server.drop_database("orders")
    conn = await asyncpg.connect(server.dsn)
    try:
        assert await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = 'orders'") is None
    finally:
        await conn.close()


async def test_data_survives_restart_on_same_port(server: EmbeddedPostgres) -> None:
    url = server.create_database("keep")
    conn = await asyncpg.connect(asyncpg_dsn(url))
    await conn.execute("CREATE TABLE t (v int); INSERT INTO t VALUES (42)")
    await conn.close()
    port = server.port

    server.stop()
    with pytest.raises(ConnectionRefusedError):
        await asyncpg.connect(asyncpg_dsn(url), timeout=2)
    server.start()

    assert server.port == port
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        assert await conn.fetchval("SELECT v FROM t") == 42
    finally:
        await conn.close()


def test_alembic_migrates_with_the_url(server: EmbeddedPostgres, tmp_path: Path) -> None:
    """The same URL drives Alembic's async env (run as its own process, like a service)."""
    url = server.create_database("migrated")
    scripts = tmp_path / "migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "env.py").write_text(
        textwrap.dedent(
            """
            import asyncio
            from alembic import context
            from sqlalchemy.ext.asyncio import create_async_engine

            def run(connection):
                context.configure(connection=connection, target_metadata=None)
                with context.begin_transaction():
                    context.run_migrations()

            async def main():
                engine = create_async_engine(context.config.get_main_option("sqlalchemy.url"))
                async with engine.connect() as conn:
                    await conn.run_sync(run)
                    await conn.commit()
                await engine.dispose()

            asyncio.run(main())
            """
        )
    )
    (scripts / "script.py.mako").write_text("")
    (scripts / "versions" / "0001_init.py").write_text(
        textwrap.dedent(
            """
            from alembic import op
            revision = "0001"
            down_revision = None
            def upgrade():
                op.execute("CREATE TABLE migrated_ok (id int)")
            def downgrade():
                op.execute("DROP TABLE migrated_ok")
            """
        )
    )
    ini = tmp_path / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = {scripts}\nsqlalchemy.url = {url}\n")
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import asyncio, asyncpg, sys\n"
            "async def m():\n"
            "    c = await asyncpg.connect(sys.argv[1])\n"
            '    print(await c.fetchval("SELECT version_num FROM alembic_version"))\n'
            "    await c.close()\n"
            "asyncio.run(m())",
            asyncpg_dsn(url),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == "0001"


def test_url_helpers() -> None:
    base = "postgresql+asyncpg://u:p@127.0.0.1:5432/postgres"
    assert url_for_database(base, "x") == "postgresql+asyncpg://u:p@127.0.0.1:5432/x"
    sock = "postgresql+asyncpg://postgres:@/postgres?host=/tmp/pg"
    assert url_for_database(sock, "x") == "postgresql+asyncpg://postgres:@/x?host=/tmp/pg"
    assert asyncpg_dsn(base) == "postgresql://u:p@127.0.0.1:5432/postgres"
    assert to_asyncpg_url("postgres://u@h:1/d") == "postgresql+asyncpg://u@h:1/d"
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        to_asyncpg_url("mysql://h/d")


def test_invalid_database_name_is_refused(server: EmbeddedPostgres) -> None:
    with pytest.raises(ValueError, match="invalid database name"):
        server.create_database('x"; DROP DATABASE postgres; --')


def test_stop_leaves_no_postgres_process(pg_dir: Path) -> None:
    pg = EmbeddedPostgres(pg_dir / "pg").start()
    pid = pg.pid
    assert pid is not None
    pg.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    leftover = subprocess.run(
        ["pgrep", "-f", f"postgres -D {pg_dir / 'pg'}"], capture_output=True, text=True
    )
    assert leftover.stdout == ""
