"""Stopping the stack leaves nothing behind, even what a service starts as it is told to stop.

parking-payment starts its payment simulators in a child process while it starts up; a stack
that failed to start (a service not healthy in time) sent it SIGTERM during that start-up,
it spawned the simulators afterwards and exited, and the simulators outlived the stack (an
orphan found on 2026-12-06). The process below does the same on purpose: it starts a child
in its SIGTERM handler and exits.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sc_devinfra.waiting import eventually
from sc_devstack.run import Process, Stack, _die_with_parent

SERVICE = """
import os, signal, subprocess, sys, time
from pathlib import Path

here = Path(sys.argv[1])

def on_term(*_):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    (here / "child").write_text(str(child.pid))
    os._exit(0)

signal.signal(signal.SIGTERM, on_term)
(here / "ready").write_text("yes")
while True:
    time.sleep(1)
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # dead, not yet reaped by whoever adopted it


def test_a_child_started_after_sigterm_is_stopped_with_the_stack(tmp_path: Path) -> None:
    log = tmp_path / "service.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [sys.executable, "-c", SERVICE, str(tmp_path)],
            stdout=out,
            stderr=out,
            preexec_fn=_die_with_parent,
        )
    stack = Stack(state_dir=tmp_path, gateway_port=0)
    stack.processes.append(Process("service", "http://127.0.0.1:1", popen, log))
    asyncio.run(eventually(lambda: (tmp_path / "ready").exists(), 120, what="the service is up"))

    stack.stop()

    assert popen.returncode == 0  # it exited by itself, after starting its child
    child = int((tmp_path / "child").read_text())
    try:
        asyncio.run(eventually(lambda: _gone(child), 60, what=f"{child} is gone"))
    finally:
        if not _gone(child):
            os.kill(child, 9)
