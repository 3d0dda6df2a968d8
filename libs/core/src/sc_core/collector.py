"""The garbage collector of a service process (ADR 0064, ADR 0073).

A service imports FastAPI, SQLAlchemy, pydantic and its own models before it serves: about
a million objects that live as long as the process. CPython's collector would traverse
them again at every full collection, and collects the youngest generation every 700 net
allocations, which a request of a few thousand allocations crosses several times. Over
HTTP (bench/http_pairs.py) the collector took ~10 % of a list request's CPU.

A full collection stops the process's event loop for as long as it traverses: ~110 ms for
care's app, built and not frozen, on this 2-core machine. Each one is measured in
``python_gc_pause_seconds`` (by generation), so a tail of slow answers can be laid beside
the pauses of the process that gave them.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from prometheus_client import Histogram

# young objects collected every 20,000 net allocations instead of 700; each older
# generation after 20 collections of the one below (CPython's default: 700, 10, 10)
THRESHOLDS = (20_000, 20, 20)

PAUSES = Histogram(
    "python_gc_pause_seconds",
    "How long one collection of the garbage collector stopped the process",
    ["generation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
WORK = Histogram(
    "python_gc_pause_cpu_seconds",
    "The CPU time one collection took (a pause far longer than its CPU time is the process "
    "waiting for a core while it collected, not the collector's work)",
    ["generation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
_began = [0.0, 0.0]


def _timed(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _began[0], _began[1] = time.perf_counter(), time.thread_time()
    else:
        generation = str(info.get("generation", ""))
        PAUSES.labels(generation).observe(time.perf_counter() - _began[0])
        WORK.labels(generation).observe(time.thread_time() - _began[1])


def watch() -> None:
    """Measure every collection's pause from now on (once per process)."""
    if _timed not in gc.callbacks:
        gc.callbacks.append(_timed)


def tune() -> None:
    """Move everything alive now out of the collector's reach (it lives as long as the
    process) and collect young objects less often. Called once, when the app is built and
    before it serves; objects that die young are still freed by reference counting at once,
    and cycles among them by the collector, only later."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    watch()
