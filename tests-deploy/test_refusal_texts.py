"""Must show: a refusal a person reads is written in zh-CN and English (issue 18, item 5).

The sources of the services, the gateway and sc_core are read (not imported) and every
place that writes a refusal's sentence is found:

- ``Problem(...)`` and its kinds (``NotFound``, ``Forbidden``, ``Conflict``, and sc_core's
  ``unauthorized`` 401) given a sentence (a text with a space, or an f-string);
- a domain's own refusal (a class whose name ends in ``Error`` or ``Refusal``) raised or
  built with a stable code (``"area.reason"``) and a sentence.

Such a call is bilingual when it passes ``zh=`` (or ``**`` of a mapping that may hold it)
or gives a sentence with Chinese beside the English (``VoteError(code, en, zh)``).

``DONE`` names the services whose refusals are all bilingual: a new English-only one there
fails. ``NOT_YET`` counts, per file, the English-only refusals still left elsewhere when
this test came (2026-12-04, 137 in 58 files): a file may not get more (a new English-only
refusal fails here), and when a file is fixed its entry goes (a count higher than what is
found warns: lower it, so the list only shrinks). Since 2026-12-04 it is empty: every
refusal of the services, the gateway and sc_core is bilingual, and a new English-only one
anywhere fails.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = {"Problem", "NotFound", "Forbidden", "Conflict", "unauthorized"}
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
CJK = re.compile(r"[\u3400-\u9fff]")

DONE = frozenset({"gov-affairs", "notification", "work-orders"})

NOT_YET: dict[str, int] = {}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _sentence(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value


def _chinese(node: ast.expr) -> bool:
    return any(
        isinstance(part, ast.Constant) and isinstance(part.value, str) and CJK.search(part.value)
        for part in ast.walk(node)
    )


def english_only(source: str) -> list[int]:
    """Lines of the refusals in ``source`` written in English alone."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name is None:
            continue
        if name in PROBLEMS:
            texts = [a for a in node.args if _sentence(a)]
            texts += [k.value for k in node.keywords if k.arg == "detail" and _sentence(k.value)]
        elif name.endswith(("Error", "Refusal")) and len(node.args) >= 2:
            first = node.args[0]
            if not (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and CODE.match(first.value)
            ):
                continue
            texts = [a for a in node.args[1:] if _sentence(a)]
        else:
            continue
        if not texts:
            continue
        if any(k.arg in ("zh", None) for k in node.keywords):
            continue
        if any(_chinese(a) for a in [*node.args, *(k.value for k in node.keywords)]):
            continue
        found.append(node.lineno)
    return found


def _sources() -> list[Path]:
    roots = [ROOT / "gateway" / "src", ROOT / "libs" / "core" / "src"]
    roots += sorted((ROOT / "services").glob("*/src"))
    return [p for r in roots for p in sorted(r.rglob("*.py"))]


def _service(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[1] if parts[0] == "services" else None


def test_no_new_english_only_refusal() -> None:
    found: Counter[str] = Counter()
    lines: dict[str, list[int]] = {}
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        hits = english_only(path.read_text(encoding="utf-8"))
        if hits:
            found[rel], lines[rel] = len(hits), hits
    in_done = {f: lines[f] for f in found if _service(f) in DONE}
    assert not in_done, f"English-only refusals (give them zh=): {in_done}"
    grown = {f: (n, NOT_YET.get(f, 0)) for f, n in found.items() if n > NOT_YET.get(f, 0)}
    assert not grown, (
        "new English-only refusals (give them zh=, as Problem(..., zh=...)): "
        + ", ".join(f"{f} lines {lines[f]} ({n} > {was})" for f, (n, was) in grown.items())
    )
    fewer = {f: (found.get(f, 0), n) for f, n in NOT_YET.items() if found.get(f, 0) < n}
    if fewer:  # a warning, not a failure: several people fix these files at once
        warnings.warn(f"fixed: lower or remove these NOT_YET counts: {fewer}", stacklevel=1)


def test_the_scan_catches_an_english_only_refusal() -> None:
    """What the scan must refuse and what it must let through (the test can fail)."""
    refused = """
raise Problem(404, "thing.not_found", "No such thing")
raise unauthorized("auth.expired", "The sign-in has expired")
raise NotFound("thing.not_found", detail=f"No thing {name}")
raise ActivityError("activity.bad_rating", "A rating is 1 to 5 stars")
raise WelfareError("welfare.ended", f"An ended record ({x}) is not reviewed")
"""
    assert english_only(refused) == [2, 3, 4, 5, 6]
    allowed = """
raise Problem(404, "thing.not_found", "No such thing", zh="没有这个东西")
raise Problem(400, "thing.bad", "不对（wrong）")
raise VoteError("vote.closed", "The vote is closed", "表决已结束")
raise Problem(exc.status, exc.code, str(exc), **exc.texts)
raise ProviderError("contact.no_phone")
raise ValueError("a poll closes after it opens")
raise Problem(500, "internal.error", "internal")
"""
    assert english_only(allowed) == []
