"""Failpoints exit the process at the named point, on the chosen hit, and never in production."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sc_core import failpoints

SCRIPT = """
from sc_core import failpoints
for i in range(1, 6):
    print(i, flush=True)
    failpoints.hit("consumer.after_db_commit")
    failpoints.hit("unarmed.point")
print("survived", flush=True)
"""


def _run(spec: str | None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin"}
    if spec is not None:
        env[failpoints.ENV] = spec
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )


def test_an_armed_point_exits_the_process_on_its_hit() -> None:
    done = _run("consumer.after_db_commit=exit@3")
    assert done.returncode == failpoints.EXIT_CODE
    assert done.stdout.split() == ["1", "2", "3"]


def test_nothing_happens_when_no_point_is_armed() -> None:
    done = _run(None)
    assert done.returncode == 0
    assert done.stdout.split()[-1] == "survived"


def test_a_malformed_spec_is_refused() -> None:
    done = _run("consumer.after_db_commit=explode")
    assert done.returncode != 0
    assert "cannot read" in done.stderr


def test_production_refuses_armed_failpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(failpoints, "_points", failpoints._parse("outbox.after_publish=exit"))
    with pytest.raises(RuntimeError, match="not allowed in production"):
        failpoints.check_allowed("production")
    failpoints.check_allowed("dev")
