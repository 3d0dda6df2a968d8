"""The garbage collector of a service process (ADR 0064).

A service imports FastAPI, SQLAlchemy, pydantic and its own models before it serves: about
a million objects that live as long as the process. CPython's collector would traverse
them again at every full collection, and collects the youngest generation every 700 net
allocations, which a request of a few thousand allocations crosses several times. Over
HTTP (bench/http_pairs.py) the collector took ~10 % of a list request's CPU.
"""

from __future__ import annotations

import gc

# young objects collected every 20,000 net allocations instead of 700; each older
# generation after 20 collections of the one below (CPython's default: 700, 10, 10)
THRESHOLDS = (20_000, 20, 20)


def tune() -> None:
    """Move everything alive now out of the collector's reach (it lives as long as the
    process) and collect young objects less often. Called once, when the app is built and
    before it serves; objects that die young are still freed by reference counting at once,
    and cycles among them by the collector, only later."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
