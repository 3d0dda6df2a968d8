"""Fixtures for the sc-devinfra tests (the infrastructure fixtures come from the plugin)."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def topic_name() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"
