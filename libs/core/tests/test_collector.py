"""`python -m <service>` freezes what start-up built and collects young objects less often
(sc_core.collector, ADR 0064); an app a test hosts is left alone."""

from __future__ import annotations

import gc

import pytest
from prometheus_client import REGISTRY

from sc_core import collector
from sc_core.settings import ServiceSettings


def test_tune_freezes_what_lives_now_and_raises_the_young_threshold() -> None:
    before = gc.get_threshold()
    built_at_start = [[n] for n in range(5_000)]  # containers: the collector tracks them
    frozen = gc.get_freeze_count()
    try:
        collector.tune()
        assert gc.get_freeze_count() >= frozen + len(built_at_start)
        assert gc.get_threshold() == (20_000, 20, 20)
    finally:
        gc.set_threshold(*before)


def test_tuning_is_on_by_default_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ServiceSettings().gc_tuning is True
    monkeypatch.setenv("GC_TUNING", "false")
    assert ServiceSettings().gc_tuning is False


def test_each_collection_is_measured_by_generation() -> None:
    """A tail of slow answers can be laid beside the collector's pauses (ADR 0073)."""
    collector.watch()
    collector.watch()  # once per process, however often it is asked
    assert gc.callbacks.count(collector._timed) == 1

    def counted(generation: str, metric: str = "python_gc_pause_seconds") -> float:
        value = REGISTRY.get_sample_value(f"{metric}_count", {"generation": generation})
        return value or 0.0

    before, worked = counted("2"), counted("2", "python_gc_pause_cpu_seconds")
    gc.collect(2)
    assert counted("2") == before + 1
    # and its CPU time beside it: a pause far longer than its work waited for a core
    assert counted("2", "python_gc_pause_cpu_seconds") == worked + 1
