"""Process, port and cache-dir helpers shared by the embedded servers.

Every server is started in its own session (so its own process group) and, when it
is started from the main thread, with a parent-death signal: if the Python process
that started it dies without cleaning up (SIGKILL, crash), the kernel ends the server
too, so no orphan is left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_PORT_HOLD_SECONDS = 120.0


def cache_dir() -> Path:
    """`${SC_CACHE_DIR:-$HOME/.cache/sc-tools}`, created on demand."""
    path = Path(os.environ.get("SC_CACHE_DIR") or Path.home() / ".cache" / "sc-tools")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive inter-process lock on `path` (created if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as servers do: connections of a stopped server in TIME_WAIT do not block a restart
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that is free now and was not handed out recently.

    The kernel picks the port (bind to 0); a small registry under the cache dir,
    guarded by a file lock, keeps two processes (pytest-xdist workers, the server
    launcher) from being handed the same port before either has bound it.
    """
    registry = cache_dir() / "ports.json"
    with file_lock(cache_dir() / "ports.lock"):
        now = time.time()
        try:
            held: dict[str, float] = json.loads(registry.read_text())
        except (OSError, ValueError):
            held = {}
        held = {p: t for p, t in held.items() if now - t < _PORT_HOLD_SECONDS}
        for _ in range(50):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind((host, 0))
                port = int(sock.getsockname()[1])
            if str(port) not in held:
                break
        held[str(port)] = now
        tmp = registry.with_suffix(".tmp")
        tmp.write_text(json.dumps(held))
        tmp.replace(registry)
    return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    return _port_is_free(host, port)


def _death_signal_preexec(sig: int) -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)


def spawn(
    cmd: Sequence[str],
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
    death_signal: int = signal.SIGKILL,
) -> subprocess.Popen[bytes]:
    """Start `cmd` in a new session, output appended to `log_path`.

    The parent-death signal is only set when called from the main thread: Linux
    delivers it when the *thread* that forked exits, which for a pool thread would
    end the server far too early.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    preexec = None
    if threading.current_thread() is threading.main_thread():

        def preexec() -> None:
            _death_signal_preexec(death_signal)

    with open(log_path, "ab") as log:
        return subprocess.Popen(  # preexec only calls prctl
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            user=user,
            start_new_session=True,
            preexec_fn=preexec,
        )


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(
    proc: subprocess.Popen[bytes] | None,
    pgid: int | None = None,
    *,
    sig: int = signal.SIGTERM,
    timeout: float = 20.0,
) -> None:
    """Send `sig` to the process group, wait, then SIGKILL whatever is left.

    `proc` (our child) is reaped; `pgid` defaults to the child's pid (it leads its
    own session). Returns once no process of the group is left.
    """
    if pgid is None:
        if proc is None:
            return
        pgid = proc.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is None:
            time.sleep(0.05)
            continue
        if not group_alive(pgid):
            break
        time.sleep(0.05)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    if proc is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
    # Grand-children may outlive the leader by a moment; make sure none is left.
    end = time.monotonic() + 5
    while group_alive(pgid) and time.monotonic() < end:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.05)


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])
