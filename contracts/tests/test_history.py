"""`python -m sc_contracts compat` against real git history in a temporary repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sc_contracts.catalogue import contracts_root
from sc_contracts.cli import main
from sc_contracts.history import check_git_history, read_waivers
from sc_contracts.registry import registry

SCHEMA_FILES = 2 * len(registry())  # one JSON Schema and one Avro schema per event type

ROOT = contracts_root()
AVRO = "generated/avro/community.alarm.raised.v1.avsc"
JSON = "generated/jsonschema/community.alarm.raised.v1.json"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit holds the current contracts/ files."""
    repo = tmp_path / "repo"
    contracts = repo / "contracts"
    contracts.mkdir(parents=True)
    shutil.copy(ROOT / "topics.yaml", contracts / "topics.yaml")
    shutil.copytree(ROOT / "generated", contracts / "generated")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1 schemas")
    return contracts


def edit(contracts: Path, rel: str, change: Callable[[dict[str, Any]], object]) -> None:
    path = contracts / rel
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


def commit(contracts: Path, message: str) -> str:
    git(contracts, "commit", "-q", "-am", message)
    return git(contracts, "rev-parse", "HEAD")


def add_optional(document: dict[str, Any]) -> None:
    if "fields" in document:
        document["fields"].append({"name": "escalation", "type": ["null", "long"], "default": None})
    else:
        document["properties"]["escalation"] = {"anyOf": [{"type": "integer"}, {"type": "null"}]}


def remove_field(document: dict[str, Any]) -> None:
    if "fields" in document:
        document["fields"] = [f for f in document["fields"] if f["name"] != "originator_id"]
    else:
        del document["properties"]["originator_id"]
        document["required"].remove("originator_id")


def run_compat(contracts: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(contracts), "compat"])
    return code, capsys.readouterr().out


def test_unchanged_history_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_compat(repo, capsys)
    assert code == 0
    assert f"compatible: {SCHEMA_FILES} schema file(s), 0 changed version pair(s) compared" in out


def test_optional_field_added_and_committed_passes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(repo, AVRO, add_optional)
    edit(repo, JSON, add_optional)
    commit(repo, "add optional escalation")
    code, out = run_compat(repo, capsys)
    assert code == 0, out
    assert f"compatible: {SCHEMA_FILES} schema file(s), 2 changed version pair(s) compared" in out


def test_breaking_change_in_working_tree_is_caught(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(repo, AVRO, remove_field)
    edit(repo, JSON, remove_field)
    code, out = run_compat(repo, capsys)
    assert code == 1
    assert f"contracts/{AVRO} (HEAD -> working tree): old schema cannot read" in out
    assert f"contracts/{JSON} (HEAD -> working tree): $.originator_id: property removed" in out


def test_breaking_change_committed_is_caught_in_a_clean_tree(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What CI sees in a fresh clone: the working tree equals HEAD, the break is history."""
    first = git(repo, "rev-parse", "HEAD")
    edit(repo, JSON, lambda d: d["properties"]["count"].update(type="string"))
    second = commit(repo, "count becomes text")
    assert git(repo, "status", "--porcelain") == ""
    code, out = run_compat(repo, capsys)
    assert code == 1
    assert (
        f"contracts/{JSON} ({first[:10]} -> {second[:10]}): "
        "$.count: type changed from integer to string"
    ) in out

    # a later compatible commit does not hide the earlier break
    edit(repo, JSON, add_optional)
    commit(repo, "add optional field")
    code, out = run_compat(repo, capsys)
    assert code == 1
    assert "type changed from integer to string" in out


def test_required_field_added_in_history_is_caught(repo: Path) -> None:
    def add_required(document: dict[str, Any]) -> None:
        document["fields"].append({"name": "site", "type": "string"})

    edit(repo, AVRO, add_required)
    commit(repo, "add required site")
    report = check_git_history(repo / "generated")
    assert not report.ok
    assert "No default value for field site" in report.problems[0]


def test_deleted_schema_is_caught(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / AVRO).unlink()
    code, out = run_compat(repo, capsys)
    assert code == 1
    assert "deleted in the working tree" in out
    git(repo, "commit", "-q", "-am", "drop alarm raised avro")
    code, out = run_compat(repo, capsys)
    assert code == 1
    assert "deleted in commit" in out


def test_waived_commit_is_accepted(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, JSON, remove_field)
    broken = commit(repo, "released by mistake")
    (repo / "compat-waivers.txt").write_text(f"# accepted\n{broken} released in 2026-03\n")
    assert read_waivers(repo / "compat-waivers.txt") == [broken]
    code, out = run_compat(repo, capsys)
    assert code == 0, out
    assert "waived" in out


def test_without_git_history_prints_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    contracts = tmp_path / "plain" / "contracts"
    shutil.copytree(ROOT / "generated", contracts / "generated")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, out = run_compat(contracts, capsys)
    assert code == 0
    assert "note: not inside a git repository" in out


def test_repository_without_commits_prints_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contracts = tmp_path / "fresh" / "contracts"
    shutil.copytree(ROOT / "generated", contracts / "generated")
    git(tmp_path / "fresh", "init", "-q")
    code, out = run_compat(contracts, capsys)
    assert code == 0
    assert "note: no commits yet" in out


def test_this_checkout_is_compatible_with_its_history() -> None:
    report = check_git_history(ROOT / "generated", read_waivers(ROOT / "compat-waivers.txt"))
    assert report.ok, report.render()
