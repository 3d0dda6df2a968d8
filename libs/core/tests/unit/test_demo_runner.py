"""A service's demo loader: never in production, skipped without a gateway, and a loader
that fails leaves the stack running (exit 0) with the reason printed."""

from __future__ import annotations

import pytest

from sc_core.demo import run_gateway_demo


def _load(base: str) -> str:
    return f"3 things at {base}"


def _broken(base: str) -> str:
    raise RuntimeError("gateway said 503")


def test_loads_through_the_gateway(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GATEWAY_URL", "http://127.0.0.1:8000")
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    assert run_gateway_demo("commerce", _load) == 0
    assert capsys.readouterr().out == "commerce demo: 3 things at http://127.0.0.1:8000\n"


def test_refuses_in_production_even_with_a_gateway(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GATEWAY_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("ENVIRONMENT", " Production ")
    assert run_gateway_demo("commerce", _load) == 1
    assert "refusing to load demo data in production" in capsys.readouterr().err


def test_skipped_without_a_gateway_and_a_failure_does_not_stop_the_stack(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.delenv("GATEWAY_URL", raising=False)
    assert run_gateway_demo("alarm", _load) == 0
    assert "GATEWAY_URL is not set; skipped" in capsys.readouterr().out
    monkeypatch.setenv("GATEWAY_URL", "http://127.0.0.1:8000")
    assert run_gateway_demo("alarm", _broken) == 0
    assert capsys.readouterr().err == "alarm demo: not loaded (gateway said 503)\n"
