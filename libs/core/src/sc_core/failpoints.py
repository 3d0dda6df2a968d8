"""Failpoints: named places in the shared mechanisms where the reliability suite can make
a process die at the worst moment (the technique of FoundationDB's and TiKV's failpoints).

``SC_FAILPOINTS="consumer.after_db_commit=exit@3"`` makes the process exit abruptly
(``os._exit``, no cleanup, as a kill -9 would) the third time it passes that point. Several
points are separated by commas; ``name=exit`` means the first time. Nothing is armed unless
the variable is set, and a production service refuses to start with it set
(:func:`check_allowed`).

Points:

* ``consumer.after_db_commit`` — a poll's effects (and inbox rows) are committed, its offsets
  are not (sc_core.bus.consumer and sc_core.bus.batch).
* ``outbox.after_publish`` — events are on the broker, their outbox rows not yet marked.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass

ENV = "SC_FAILPOINTS"
EXIT_CODE = 86  # recognisable in logs and in tests
log = logging.getLogger(__name__)


@dataclass
class _Point:
    at_hit: int
    hits: int = 0


def _parse(spec: str) -> dict[str, _Point]:
    points: dict[str, _Point] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, action = part.partition("=")
        verb, _, count = action.partition("@")
        if verb != "exit" or not name:
            raise ValueError(f"{ENV}: cannot read {part!r} (expected name=exit or name=exit@N)")
        points[name.strip()] = _Point(at_hit=int(count) if count else 1)
    return points


_points: dict[str, _Point] = _parse(os.environ.get(ENV, ""))


def check_allowed(environment: str) -> None:
    """Refuse armed failpoints outside development and test environments."""
    if _points and environment == "production":
        raise RuntimeError(f"{ENV} is set; failpoints are not allowed in production")


def hit(name: str) -> None:
    """Pass the failpoint ``name``: exit the process if it is armed and its turn has come."""
    point = _points.get(name)
    if point is None:
        return
    point.hits += 1
    if point.hits >= point.at_hit:
        log.error("failpoint %s: exiting the process (hit %d)", name, point.hits)
        sys.stderr.flush()
        os._exit(EXIT_CODE)
