"""Migrations match the models; the demo loads once and never in production."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from identity.db.models import metadata
from identity.main import MIGRATIONS
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sc_core.db.migrate import model_drift, upgrade


async def test_migrations_match_the_models(fresh_database_url: str) -> None:
    await upgrade(MIGRATIONS, fresh_database_url)
    assert await model_drift(fresh_database_url, metadata) == []


def run_demo(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "identity.demo"],
        env={**os.environ, "JWT_SIGNING_KEYS": "", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _count(url: str, table: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
    finally:
        await engine.dispose()


async def test_the_demo_loads_once_and_refuses_production(fresh_database_url: str) -> None:
    await upgrade(MIGRATIONS, fresh_database_url)
    env = {"DATABASE_URL": fresh_database_url, "DEMO_PASSWORD": "another-pass-1"}
    first = await asyncio.to_thread(run_demo, env)
    assert first.returncode == 0, first.stderr
    assert "identity demo: loaded" in first.stdout and "another-pass-1" in first.stdout
    assert "grid_worker" in first.stdout and "platform_admin" in first.stdout
    counts = {t: await _count(fresh_database_url, t) for t in ("accounts", "rooms", "persons")}
    assert counts == {"accounts": 17, "rooms": 48, "persons": 7}
    again = await asyncio.to_thread(run_demo, env)
    assert again.returncode == 0 and "already loaded" in again.stdout
    assert await _count(fresh_database_url, "accounts") == 17
    production = await asyncio.to_thread(run_demo, {**env, "ENVIRONMENT": "production"})
    assert production.returncode == 1 and "refusing" in production.stderr
