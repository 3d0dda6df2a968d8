"""Embedded PostgreSQL 16 from the binaries inside the PyPI `pgserver` wheel.

`pgserver.get_server()` only listens on a Unix socket, so this module runs the same
binaries itself (`initdb`, `postgres`) with a TCP listener on 127.0.0.1 and a free
port: services run as separate processes and tools expect host:port. As root the
server runs as the system user `pgserver` (created on first use, as pgserver does),
because PostgreSQL refuses to run as root.

URLs:

* ``EmbeddedPostgres.url`` is a SQLAlchemy URL:
  ``postgresql+asyncpg://postgres:postgres@127.0.0.1:PORT/postgres``. It works for
  ``create_async_engine`` and Alembic (async env) as is.
* asyncpg itself does not accept the ``+asyncpg`` scheme: pass
  ``asyncpg_dsn(url)`` (``postgresql://...``) to ``asyncpg.connect``.
* Authentication is ``trust``: the password in the URL is accepted and ignored.

As root, every parent of the data dir must stay traversable by `pgserver` while the
server starts (this module adds ``o+rx``). Keep data dirs out of pytest's
``tmp_path``: pytest re-locks ``/tmp/pytest-of-<user>`` to 0700 whenever a session
starts, so a parallel pytest run can make initdb fail with "Permission denied"; use
``tempfile.mkdtemp()`` (the fixtures do).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import re
import signal
import subprocess
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

from sc_devinfra._proc import free_port, spawn, stop_group, tail

HOST = "127.0.0.1"
SUPERUSER = "postgres"
_SYSTEM_USER = "pgserver"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,62}$")


def pg_bin_dir() -> Path:
    """`pgserver/pginstall/bin`, found without importing pgserver (its import has side effects)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pgserver is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def asyncpg_dsn(url: str) -> str:
    """`postgresql+asyncpg://...` -> `postgresql://...` (what asyncpg and libpq accept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def to_asyncpg_url(url: str) -> str:
    """Any PostgreSQL URL (`postgres://`, `postgresql+psycopg://`...) in SQLAlchemy asyncpg form."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise ValueError(f"not a PostgreSQL URL: {url}")
    return urlunsplit(parts._replace(scheme="postgresql+asyncpg"))


def url_for_database(base_url: str, name: str) -> str:
    """`base_url` with its database replaced by `name` (query such as `?host=` kept)."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"invalid database name: {name!r}")
    return name


def _psql(server_url: str, sql: str, name: str) -> str:
    """Run `sql` with psql on the server's `postgres` database; `:'name'` / `:"name"`
    in `sql` are psql's quoted literal / identifier forms of `name`."""
    dsn = asyncpg_dsn(url_for_database(server_url, "postgres"))
    cmd = [str(pg_bin_dir() / "psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"]
    result = subprocess.run(
        [*cmd, "-v", f"name={name}", "-d", dsn],
        input=sql,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()}")
    return result.stdout


def create_database(server_url: str, name: str) -> str:
    """Create database `name` on the server (no error if it exists); return its URL."""
    _check_name(name)
    exists = _psql(server_url, "SELECT 1 FROM pg_database WHERE datname = :'name';", name)
    if not exists.strip():
        try:
            _psql(server_url, 'CREATE DATABASE :"name";', name)
        except RuntimeError as exc:
            if "already exists" not in str(exc):
                raise
    return url_for_database(to_asyncpg_url(server_url), name)


def drop_database(server_url: str, name: str) -> None:
    """Drop database `name` if it exists, closing its connections first."""
    _check_name(name)
    _psql(server_url, 'DROP DATABASE IF EXISTS :"name" WITH (FORCE);', name)


def _as_root() -> bool:
    return os.geteuid() == 0


class EmbeddedPostgres:
    """PostgreSQL 16 on 127.0.0.1:`port` (free port by default) with data in `data_dir`.

    The data dir survives `stop()`; `start()` on an existing data dir reuses it.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        port: int | None = None,
        *,
        startup_timeout: float = 30.0,
        max_connections: int = 300,
        durable: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self._fixed_port = port is not None
        self._port = port
        self.startup_timeout = startup_timeout
        self.max_connections = max_connections
        self.durable = durable
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("server not started")
        return self._port

    @property
    def url(self) -> str:
        """SQLAlchemy asyncpg URL of the `postgres` database."""
        return f"postgresql+asyncpg://{SUPERUSER}:{SUPERUSER}@{HOST}:{self.port}/postgres"

    @property
    def dsn(self) -> str:
        """libpq / asyncpg form of `url`."""
        return asyncpg_dsn(self.url)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}.log"

    def url_for(self, name: str) -> str:
        return url_for_database(self.url, name)

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> EmbeddedPostgres:
        if self.is_running():
            return self
        self._init_data_dir()
        attempts = 1 if self._fixed_port else 3
        for attempt in range(attempts):
            if self._port is None or (not self._fixed_port and attempt > 0):
                self._port = free_port(HOST)
            if self._start_once():
                return self
        raise RuntimeError(f"PostgreSQL did not start:\n{tail(self.log_path)}")

    def stop(self) -> None:
        """Fast shutdown (SIGINT), SIGKILL of the whole group after a grace period."""
        if self._proc is not None:
            stop_group(self._proc, sig=signal.SIGINT, timeout=20)
            self._proc = None

    def create_database(self, name: str) -> str:
        """Create `name` if missing (idempotent); return its SQLAlchemy asyncpg URL."""
        return create_database(self.url, name)

    def drop_database(self, name: str) -> None:
        drop_database(self.url, name)

    def __enter__(self) -> EmbeddedPostgres:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------------

    def _user(self) -> str | None:
        return _SYSTEM_USER if _as_root() else None

    def _init_data_dir(self) -> None:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(exist_ok=True)
        if _as_root():
            # Every start, not only at initdb: something may have locked a parent since
            # (pytest re-locks /tmp/pytest-of-<user> to 0700 at each session start).
            self._prepare_root()
        if (self.data_dir / "PG_VERSION").exists():
            return
        result = subprocess.run(
            [
                str(pg_bin_dir() / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            check=False,
            user=self._user(),
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    def _prepare_root(self) -> None:
        """What pgserver does as root: a `pgserver` user that can reach binaries and data."""
        try:
            entry = pwd.getpwnam(_SYSTEM_USER)
        except KeyError:
            subprocess.run(
                ["useradd", "-s", "/bin/bash", _SYSTEM_USER], check=True, capture_output=True
            )
            entry = pwd.getpwnam(_SYSTEM_USER)
        install = pg_bin_dir().parent
        for path in (self.data_dir, install):
            for parent in path.parents:
                parent.chmod(parent.stat().st_mode | 0o055)  # others may traverse
        for root, _dirs, files in os.walk(install):
            Path(root).chmod(Path(root).stat().st_mode | 0o055)
            for name in files:
                file = Path(root) / name
                file.chmod(file.stat().st_mode | 0o044 | (0o011 if Path(root).name == "bin" else 0))
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self.data_dir.chmod(0o700)

    def _start_once(self) -> bool:
        settings = {
            "listen_addresses": HOST,
            "port": str(self.port),
            "unix_socket_directories": "",
            "max_connections": str(self.max_connections),
            "shared_buffers": "128MB",
            "logging_collector": "off",
        }
        if not self.durable:
            settings.update(fsync="off", synchronous_commit="off", full_page_writes="off")
        cmd = [str(pg_bin_dir() / "postgres"), "-D", str(self.data_dir)]
        for key, value in settings.items():
            cmd += ["-c", f"{key}={value}"]
        self._proc = spawn(
            cmd, log_path=self.log_path, user=self._user(), death_signal=signal.SIGQUIT
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._proc = None
                return False
            if self._ready():
                return True
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"PostgreSQL not ready within {self.startup_timeout} s")

    def _ready(self) -> bool:
        with contextlib.suppress(subprocess.TimeoutExpired):
            result = subprocess.run(
                [str(pg_bin_dir() / "pg_isready"), "-q", "-h", HOST, "-p", str(self.port)],
                check=False,
                timeout=5,
            )
            return result.returncode == 0
        return False


def dump_database(url: str, path: Path) -> None:
    """`pg_dump --format=custom` of the database at `url` into `path` (the embedded
    PostgreSQL's own pg_dump; deploy/OPERATIONS.md section 7 is the same on a server)."""
    _run_pg(["pg_dump", "--format=custom", f"--file={path}", "--dbname", asyncpg_dsn(url)])


def restore_database(url: str, path: Path) -> None:
    """`pg_restore --clean --if-exists --single-transaction` of `path` into the database at
    `url`: what the dump held replaces what is there, all or nothing. Stop the service first."""
    _run_pg(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            asyncpg_dsn(url),
            str(path),
        ]
    )


def _run_pg(cmd: list[str]) -> None:
    result = subprocess.run(
        [str(pg_bin_dir() / cmd[0]), *cmd[1:]],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {result.stderr.strip()[-2000:]}")
