"""Check generated schema files against their earlier versions in git.

For every schema file (``jsonschema/*.json``, ``avro/*.avsc``) under the generated folder:

- the working-tree version against the last committed one (``git show HEAD:path``), and
- every committed version against its predecessor (``git log --format=%H -- path``),

so a clean clone in CI still catches a breaking change committed since the previous
version. A commit listed in the waiver file is accepted as it is (for a break that was
already released and cannot be undone); nothing else is.
"""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from sc_contracts.compat import check_schema_texts

SCHEMA_GLOBS = ("jsonschema/*.json", "avro/*.avsc")


@dataclass
class CompatReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comparisons: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self) -> str:
        lines = [f"note: {n}" for n in self.notes]
        if self.problems:
            lines.append(f"{len(self.problems)} incompatible change(s):")
            lines += [f"  - {p}" for p in self.problems]
        else:
            lines.append(
                f"compatible: {self.files} schema file(s), "
                f"{self.comparisons} changed version pair(s) compared"
            )
        return "\n".join(lines)


class _Git:
    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=self.cwd, capture_output=True, text=True, check=False
        )

    def out(self, *args: str) -> str | None:
        result = self.run(*args)
        return result.stdout if result.returncode == 0 else None


def _is_schema(rel: str) -> bool:
    rel = "/" + rel
    return rel.endswith((".json", ".avsc")) and ("/jsonschema/" in rel or "/avro/" in rel)


def check_git_history(generated_dir: Path, waived_commits: Collection[str] = ()) -> CompatReport:
    """Compare each schema file under ``generated_dir`` with its git history."""
    report = CompatReport()
    generated_dir = generated_dir.resolve()
    if not generated_dir.is_dir():
        report.notes.append(f"{generated_dir} does not exist; nothing to check")
        return report
    top = _Git(generated_dir).out("rev-parse", "--show-toplevel")
    if top is None:
        report.notes.append("not inside a git repository; no history to compare against")
        return report
    git = _Git(Path(top.strip()))
    if git.out("rev-parse", "--verify", "--quiet", "HEAD") is None:
        report.notes.append("no commits yet; no history to compare against")
        return report
    if (git.out("rev-parse", "--is-shallow-repository") or "").strip() == "true":
        report.notes.append("shallow clone: only the fetched history is checked")
    prefix = generated_dir.relative_to(git.cwd.resolve()).as_posix()
    working = {
        p.relative_to(git.cwd.resolve()).as_posix()
        for pattern in SCHEMA_GLOBS
        for p in generated_dir.glob(pattern)
    }
    listed = git.out("ls-tree", "-r", "--name-only", "HEAD", "--", prefix) or ""
    touched = git.out("log", "--format=", "--name-only", "--", prefix) or ""
    committed = {
        line for line in (listed + "\n" + touched).splitlines() if line and _is_schema(line)
    }
    waived = {c.strip() for c in waived_commits if c.strip()}
    for rel in sorted(working | committed):
        report.files += 1
        _check_file(git, rel, report, waived)
    return report


def _check_file(git: _Git, rel: str, report: CompatReport, waived: set[str]) -> None:
    head_text = git.out("show", f"HEAD:{rel}")
    path = git.cwd / rel
    work_text = path.read_text(encoding="utf-8") if path.is_file() else None
    if head_text is not None and work_text is None:
        report.problems.append(f"{rel}: deleted in the working tree (event types are frozen)")
    elif head_text is not None and work_text is not None and head_text != work_text:
        _compare(rel, "HEAD", "working tree", head_text, work_text, report)
    commits = (git.out("log", "--format=%H", "--", rel) or "").split()
    for newer, older in itertools.pairwise(commits):
        if _is_waived(newer, waived):
            report.notes.append(f"{rel}: change in {newer[:10]} waived")
            continue
        old_text = git.out("show", f"{older}:{rel}")
        new_text = git.out("show", f"{newer}:{rel}")
        if old_text is None:
            continue  # the file was (re)created in `newer`
        if new_text is None:
            report.problems.append(f"{rel}: deleted in commit {newer[:10]}")
        elif old_text != new_text:
            _compare(rel, older[:10], newer[:10], old_text, new_text, report)


def _is_waived(commit: str, waived: set[str]) -> bool:
    return any(commit.startswith(w) for w in waived if len(w) >= 7)


def _compare(
    rel: str, old_label: str, new_label: str, old: str, new: str, report: CompatReport
) -> None:
    report.comparisons += 1
    for problem in check_schema_texts(rel, old, new):
        report.problems.append(f"{rel} ({old_label} -> {new_label}): {problem}")


def read_waivers(path: Path) -> list[str]:
    """Commit ids from a waiver file: one per line, ``<sha> <reason>``; ``#`` comments."""
    if not path.is_file():
        return []
    commits = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            commits.append(line.split()[0])
    return commits
