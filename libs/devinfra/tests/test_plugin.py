"""The pytest fixtures, used directly and from inner pytest runs (env, xdist, cleanup)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import asyncpg
import pytest
from devinfra_helpers import round_trip

from sc_devinfra import kafka_wire
from sc_devinfra.postgres import asyncpg_dsn
from sc_devinfra.pytest_plugin import create_topic, docker_available

_INI = """[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = session
asyncio_default_test_loop_scope = session
"""


def run_pytest(
    tmp_path: Path, source: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text(_INI)
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(source))
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "KAFKA_BOOTSTRAP_SERVERS",
            "KAFKA_ENABLE_IDEMPOTENCE",
            "APACHE_KAFKA_BOOTSTRAP_SERVERS",
            "DATABASE_URL",
            "PYTEST_XDIST_WORKER",
            "PYTEST_XDIST_WORKER_COUNT",
            "PYTEST_CURRENT_TEST",
        }
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_no_docker_here_is_detected_quickly() -> None:
    docker_available.cache_clear()
    started = time.monotonic()
    assert docker_available() is False  # no daemon on this machine: fall back to embedded
    assert time.monotonic() - started < 10


async def test_kafka_fixtures_round_trip(
    kafka_bootstrap: str, kafka_idempotence: bool, topic_name: str
) -> None:
    assert kafka_wire.answers(*kafka_wire.split_bootstrap(kafka_bootstrap)[0])
    assert kafka_idempotence is True  # Apache Kafka: idempotent producers, as in production
    assert kafka_wire.grants_idempotence(kafka_bootstrap)
    await create_topic(kafka_bootstrap, topic_name, partitions=2)
    received = await asyncio.wait_for(
        round_trip(kafka_bootstrap, topic_name, idempotence=kafka_idempotence, count=10), 60
    )
    assert sorted(m["n"] for m in received) == list(range(10))


async def test_fresh_databases_are_separate(postgres_url: str, fresh_database_url: str) -> None:
    assert postgres_url.startswith("postgresql+asyncpg://")
    assert fresh_database_url.startswith("postgresql+asyncpg://")
    assert fresh_database_url != postgres_url
    conn = await asyncpg.connect(asyncpg_dsn(fresh_database_url))
    try:
        await conn.execute("CREATE TABLE mine (id int)")
        name = await conn.fetchval("SELECT current_database()")
    finally:
        await conn.close()
    assert fresh_database_url.endswith(f"/{name}")


def test_env_servers_are_used_and_fresh_database_is_dropped(
    tmp_path: Path, kafka_bootstrap: str
) -> None:
    """With the env a Makefile sets, the fixtures start nothing and clean up after themselves."""
    from sc_devinfra.postgres import EmbeddedPostgres

    pg_base = Path(tempfile.mkdtemp(prefix="sc-pg-test-"))  # not under tmp_path
    with EmbeddedPostgres(pg_base / "pg") as pg:
        result = run_pytest(
            tmp_path,
            f"""
            import json, os
            from pathlib import Path

            def test_env(kafka_bootstrap, kafka_idempotence, postgres_url,
                         fresh_database_url):
                assert kafka_bootstrap == {kafka_bootstrap!r}
                assert postgres_url == {pg.url!r}
                Path("seen.json").write_text(json.dumps(
                    {{"idempotence": kafka_idempotence, "db": fresh_database_url}}))
            """,
            env={"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": pg.dsn},
        )
        assert result.returncode == 0, result.stdout + result.stderr
        seen = json.loads((tmp_path / "seen.json").read_text())
        assert seen["idempotence"] is True
        db_name = seen["db"].rsplit("/", 1)[1]
        assert db_name.startswith("t_main_")
        exists = asyncio.run(_database_exists(pg.dsn, db_name))
        assert exists is False
    shutil.rmtree(pg_base, ignore_errors=True)


async def _database_exists(dsn: str, name: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


def test_idempotence_env_override(tmp_path: Path, kafka_bootstrap: str) -> None:
    result = run_pytest(
        tmp_path,
        """
        def test_override(kafka_idempotence):
            assert kafka_idempotence is False
        """,
        env={"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "KAFKA_ENABLE_IDEMPOTENCE": "false"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_xdist_workers_get_their_own_servers_and_leave_nothing(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        """
        import json, os
        from pathlib import Path
        import pytest

        @pytest.mark.parametrize("n", range(4))
        async def test_worker(n, kafka_bootstrap, postgres_url, fresh_database_url):
            import asyncpg
            from sc_devinfra.postgres import asyncpg_dsn
            conn = await asyncpg.connect(asyncpg_dsn(fresh_database_url))
            await conn.execute("CREATE TABLE t (id int)")
            await conn.close()
            worker = os.environ["PYTEST_XDIST_WORKER"]
            Path(f"seen-{worker}-{n}.json").write_text(json.dumps(
                {"worker": worker, "kafka": kafka_bootstrap, "pg": postgres_url,
                 "pids": _server_pids()}))

        def _server_pids():
            import subprocess
            out = subprocess.run(["pgrep", "-P", str(os.getpid())],
                                 capture_output=True, text=True).stdout
            return [int(p) for p in out.split()]
        """,
        "-n",
        "2",
        "-p",
        "xdist",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = [json.loads(p.read_text()) for p in tmp_path.glob("seen-*.json")]
    assert len(seen) == 4
    by_worker: dict[str, set[tuple[str, str]]] = {}
    for item in seen:
        by_worker.setdefault(item["worker"], set()).add((item["kafka"], item["pg"]))
    assert len(by_worker) == 2
    endpoints = [next(iter(v)) for v in by_worker.values()]
    assert all(len(v) == 1 for v in by_worker.values())  # one server set per worker
    assert endpoints[0][0] != endpoints[1][0]  # no port clash
    assert endpoints[0][1] != endpoints[1][1]
    pids = {pid for item in seen for pid in item["pids"]}
    assert pids
    for pid in pids:  # the workers' servers are gone with the run
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_fixtures_are_listed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--fixtures", "-q", str(Path(__file__))],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    for name in (
        "kafka_bootstrap",
        "kafka_idempotence",
        "apache_kafka",
        "apache_kafka_cluster",
        "postgres_url",
        "fresh_database_url",
    ):
        assert name in result.stdout
