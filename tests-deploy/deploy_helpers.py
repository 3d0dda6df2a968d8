"""Helpers shared by the tests-deploy modules (a unique module name: `conftest` may be
shadowed when pytest collects several test folders at once)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helm"))

import chartkit as ck


def production_with_samples() -> dict[str, Any]:
    """values-production.yaml plus stand-in services, so every template path renders even
    while services/ is still (nearly) empty. Real service blocks from values.yaml stay."""
    values = ck.production_values()
    values["services"] = {**(values.get("services") or {}), **ck.SAMPLE_SERVICES}
    return values


def by_kind(manifests: list[ck.Manifest], kind: str) -> dict[str, ck.Manifest]:
    return {m.name: m for m in manifests if m.kind == kind}


def component(name: str) -> str:
    return f"{ck.RELEASE}-smart-community-{name}"
