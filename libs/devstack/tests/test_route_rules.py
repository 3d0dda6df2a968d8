"""Every operation of the merged OpenAPI has a declared rule in ``tests-e2e/route_rules.txt``.

The role matrix (``tests-e2e/test_e2e_role_matrix.py``) checks this against the running
gateway's document before it sends a single request, so a new route without a rule stopped
the whole matrix late in CI. The same check here runs in seconds on the committed document
(``clients/typescript/openapi.json``, kept current by ``make contracts`` and checked by
``make contracts-check``), so the rule is added with the route.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / "tests-e2e" / "route_rules.txt"
DOCUMENT = ROOT / "clients" / "typescript" / "openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")
KINDS = {"public", "signed_in", "action", "public_action"}


def anonymous_allowed(op: dict[str, Any]) -> bool:
    """The document's word: no security requirement, or an empty one among them."""
    security = op.get("security")
    return security is not None and (security == [] or {} in security)


def declared() -> dict[tuple[str, str], str]:
    rules: dict[tuple[str, str], str] = {}
    for line in RULES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            method, path, rule = line.split()
            assert rule in KINDS, line
            assert (method, path) not in rules, f"declared twice: {line}"
            rules[(method, path)] = rule
    return rules


def operations() -> dict[tuple[str, str], dict[str, Any]]:
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return {
        (method.upper(), path): op
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def test_route_rules_name_every_operation_and_nothing_else() -> None:
    ops, rules = operations(), declared()
    missing = [
        f"{m} {p} {'public' if anonymous_allowed(ops[(m, p)]) else 'signed_in'}"
        for m, p in sorted(set(ops) - set(rules))
    ]
    assert missing == [], f"operations without a rule: add to {RULES.name}: {missing}"
    assert sorted(set(rules) - set(ops)) == [], "rules naming no operation"


def test_route_rules_agree_with_the_documents_security() -> None:
    ops = operations()
    drift = [
        f"{m} {p}: declared {rule}, the document says {ops[(m, p)].get('security')}"
        for (m, p), rule in declared().items()
        if (m, p) in ops and rule.startswith("public") != anonymous_allowed(ops[(m, p)])
    ]
    assert drift == [], "\n".join(drift)
