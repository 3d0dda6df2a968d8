"""Must show: every audit record a service writes fits the contract (issue 16, item 2).

``uow.audit(who, action, ...)`` builds the record as :class:`AuditRecordedV1`, whose
``action`` must read ``<resource>.<verb>`` (lower case, dot separated). A record that does
not fit fails where it is written: this test finds each such failure before it can
happen, by reading (not importing) the sources of the services, the gateway and sc_core
and checking every action given as a literal, an f-string (each ``{...}`` stands for a
lower-case word) or a module-level constant. An action passed in from elsewhere (a
parameter) is checked where that literal is written.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sc_contracts.events.audit import ACTION_PATTERN

ROOT = Path(__file__).resolve().parents[1]
ACTION = re.compile(ACTION_PATTERN)


def _sources() -> list[Path]:
    found: list[Path] = []
    for base in (ROOT / "services", ROOT / "gateway" / "src", ROOT / "libs" / "core" / "src"):
        found += [
            p
            for p in base.rglob("*.py")
            if not {"tests", "migrations"} & set(p.relative_to(ROOT).parts)
        ]
    return found


def _action_arg(call: ast.Call) -> ast.expr | None:
    if len(call.args) > 1:
        return call.args[1]
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def _as_text(arg: ast.expr, constants: dict[str, str]) -> str | None:
    """The action as it will read (``x`` for each interpolated word), or None when the
    value comes from elsewhere."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "x" for v in arg.values)
    if isinstance(arg, ast.Name):
        return constants.get(arg.id)
    return None


def audit_actions(paths: list[Path]) -> tuple[list[tuple[str, str]], int]:
    """(place, action text) of every checkable ``.audit(...)`` call, and how many others."""
    checked: list[tuple[str, str]] = []
    elsewhere = 0
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "audit"
            ):
                continue
            arg = _action_arg(node)
            if arg is None:
                continue
            text = _as_text(arg, constants)
            if text is None:
                elsewhere += 1
                continue
            checked.append((f"{path.name}:{node.lineno}", text))
    return checked, elsewhere


def wrong_actions(paths: list[Path]) -> list[str]:
    checked, _ = audit_actions(paths)
    return [f"{place}: {text!r}" for place, text in checked if not ACTION.match(text)]


def test_every_audit_action_fits_the_contract() -> None:
    checked, _ = audit_actions(_sources())
    assert len(checked) > 100  # the scan finds the platform's audit calls
    wrong = wrong_actions(_sources())
    assert not wrong, "audit actions that AuditRecordedV1 refuses:\n" + "\n".join(wrong)


def test_the_scan_catches_an_action_the_contract_refuses(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        "SEARCH = 'Audit-Search'\n"
        "async def f(uow, who, kind, action):\n"
        "    await uow.audit(who, 'person.create', 'person')\n"
        "    await uow.audit(who, f'{kind}.create', kind)\n"
        "    await uow.audit(who, action, 'person')\n"
        "    await uow.audit(who, 'person create', 'person')\n"
        "    await uow.audit(who, f'{kind}.', kind)\n"
        "    await uow.audit(who, SEARCH, 'audit')\n"
    )
    checked, elsewhere = audit_actions([planted])
    assert (len(checked), elsewhere) == (5, 1)
    assert wrong_actions([planted]) == [
        "planted.py:6: 'person create'",
        "planted.py:7: 'x.'",
        "planted.py:8: 'Audit-Search'",
    ]
