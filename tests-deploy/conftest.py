"""Tests of the deployment: the RENDERED Helm manifests, the compose file, the wiring of
services/ into both. Rendering uses the Helm 4 SDK (helm-python-sdk); no cluster."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from deploy_helpers import ck, production_with_samples


@pytest.fixture(scope="session")
def prod_values() -> dict[str, Any]:
    return production_with_samples()


@pytest.fixture(scope="session")
def prod_manifests(prod_values: dict[str, Any]) -> list[ck.Manifest]:
    return ck.render(prod_values)


@pytest.fixture(scope="session")
def workloads(prod_values: dict[str, Any]) -> list[str]:
    """Every workload the production release runs: the gateway and every service."""
    real = ck.load_yaml(ck.ROOT / ck.CHART_REL / "values.yaml").get("services") or {}
    return ["gateway", *sorted({*real, *prod_values["services"]})]
