"""``make new-service`` gives a service that passes lint and its tests as generated: the
generator runs in a copy of this checkout, then the copy's contract documents are
regenerated and checked, its wiring checks (values, compose, catalogue) pass, ruff and
mypy pass on what was written, and the new service's own tests (unit, and integration
against the real PostgreSQL and Kafka of this run) pass. Nothing is left in the repo."""

from __future__ import annotations

import os
import random
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from sc_devstack.new_service import Failure, Names, main, plan

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def _copy_checkout(dest: Path) -> Path:
    """The files git knows (tracked, and untracked but not ignored), as they are now."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        relative = raw.decode()
        source = ROOT / relative
        if not source.is_file():  # deleted in the working tree
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command in the copy, importing the copy's code before the installed one."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            str(copy / part)
            for part in ("contracts/src", "libs/core/src", "libs/devstack/src", "gateway/src")
        )
        + os.pathsep
        + os.pathsep.join(str(p / "src") for p in sorted((copy / "services").iterdir())),
    }
    done = subprocess.run(args, cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def test_names() -> None:
    assert Names.of("gov-affairs") == Names("gov-affairs", "gov_affairs", "GovAffairs")
    for bad in ("Care", "care_2", "care2", "-care", "care-", "json", "class"):
        with pytest.raises(ValueError, match=r"kebab-case|Python name"):
            Names.of(bad)


def test_an_existing_service_is_refused_and_nothing_written() -> None:
    with pytest.raises(Failure, match="exists already"):
        plan(ROOT, Names.of("work-orders"))


# a checkout's copy, lint, mypy, contract generation and a service's tests one after the
# other: minutes on a busy 2-core machine (each step has its own 900 s bound in _run)
@pytest.mark.timeout(1200)
def test_a_generated_service_passes_lint_and_its_tests(tmp_path: Path) -> None:
    copy = _copy_checkout(tmp_path / "repo")
    name = "kit-probe-" + "".join(random.choice(string.ascii_lowercase) for _ in range(4))
    pkg = name.replace("-", "_")
    assert main([name, "--root", str(copy)]) == 0
    assert not (ROOT / "services" / name).exists()

    python = sys.executable
    _run(copy, python, "-m", "sc_contracts", "generate")
    _run(copy, python, "helm/check.py", "--sync-topics")
    touched = (f"services/{name}", "contracts")
    _run(copy, python, "-m", "ruff", "format", "--quiet", *touched)
    _run(copy, python, "-m", "ruff", "check", "--fix", "--quiet", *touched)
    _run(copy, python, "-m", "ruff", "format", "--quiet", *touched)

    # as `make lint` and `make contracts-check` see it
    _run(copy, python, "-m", "ruff", "check", ".")
    _run(copy, python, "-m", "ruff", "format", "--check", ".")
    _run(copy, python, "-m", "mypy", f"services/{name}/src", "contracts/src")
    _run(copy, python, "-m", "sc_contracts", "generate", "--check")
    # the wiring (values, compose, catalogue copy), the merged OpenAPI document and the
    # contracts' own tests
    _run(
        copy,
        python,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests-deploy/test_wiring.py",
        "tests-deploy/test_openapi_document.py",
        "contracts/tests/test_registry.py",
        "contracts/tests/test_catalogue.py",
    )
    # the new service's tests: unit, and integration on this run's servers
    done = _run(
        copy, python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"services/{name}/tests"
    )
    assert " passed" in done.stdout and "failed" not in done.stdout
    assert (copy / "services" / name / "src" / pkg / "usecases" / "entries.py").is_file()
