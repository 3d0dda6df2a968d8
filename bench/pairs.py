"""Old and new code compared in alternating pairs (ADR 0040, 0064): one wrk round's CPU per
answer of a process, rounds of A and B in turns, and the pairs' ratios as this repo reports
them."""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from benchkit import process_cpu_s, wrk


def wrk_cpu_us(
    pid: int, url: str, *, seconds: float, concurrency: int, headers: dict[str, str]
) -> float:
    """One wrk round against ``url``: the CPU process ``pid`` spent per answer, in µs. A
    round with any failed answer is void (it stops the run)."""
    before = process_cpu_s(pid)
    result = wrk(url, seconds=seconds, concurrency=concurrency, headers=headers)
    cpu = process_cpu_s(pid) - before
    if result["not_ok"] or not result["requests"]:
        raise SystemExit(f"{url}: {result} (a run with failed answers is void)")
    return cpu / result["requests"] * 1e6


@dataclass
class Pairs:
    olds: list[float]
    news: list[float]
    load_before: float
    load_after: float


def alternate(pairs: int, a: Callable[[], float], b: Callable[[], float]) -> Pairs:
    """One unmeasured round of each (caches, pools, the JIT-less rest warmed), then
    ``pairs`` rounds of ``a`` and ``b`` in turns (A then B, B then A, ...), so drift in the
    machine's load falls on both alike (ADR 0040's method); each pair is printed, and the
    load average before and after is kept."""
    a()
    b()
    load_before = os.getloadavg()[0]
    olds: list[float] = []
    news: list[float] = []
    for i in range(pairs):
        order = [(a, olds), (b, news)]
        for measure, into in order if i % 2 == 0 else order[::-1]:
            into.append(measure())
        print(f"pair {i + 1}: A {olds[-1]:,.1f} us, B {news[-1]:,.1f} us", flush=True)
    return Pairs(olds, news, load_before, os.getloadavg()[0])


def pair_ratios(olds: list[float], news: list[float]) -> str:
    """The pairs' B/A ratios as this repo reports them: median, quartiles, range (a change
    is kept only when the median and both quartiles are on the same side of 1)."""
    ratios = sorted(n / o for o, n in zip(olds, news, strict=True))
    q = len(ratios) // 4
    return (
        f"pair ratio B/A: median {statistics.median(ratios):.3f}, quartiles "
        f"{ratios[q]:.3f}-{ratios[-1 - q]:.3f}, range {ratios[0]:.3f}-{ratios[-1]:.3f}"
    )
