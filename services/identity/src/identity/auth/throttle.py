"""Login throttling (pure): progressive delays, never a lockout.

Three counters of recent failed logins, each forgotten after a quiet ``forget`` period:

- per **name** as typed (username or mobile, known or not: an unknown name is throttled
  exactly like a known one, so the answers never tell which accounts exist);
- per **address** (the client's, by :func:`sc_core.net.client_address`);
- per **name at an address** (the pair).

Each counter lets ``free`` failures pass, then every further attempt waits
``base * 2**(failures - free)`` seconds after the last failure, at most ``cap``. An attempt
made while it must wait is answered 429 without looking at the password (and is not
counted, so hammering does not lengthen the wait). The wait is a delay, not a lockout:
a name at an address where the account signed in before waits only for its own pair
counter, so an attacker elsewhere cannot keep its owner out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Policy:
    free: int  # failures that pass before any wait
    base: float  # seconds of the first wait
    cap: float  # the longest wait
    forget: float  # seconds of quiet after which the failures are forgotten


@dataclass(frozen=True)
class Counter:
    failures: int = 0
    last_failure_at: datetime | None = None


def seconds_left(until: datetime | None, now: datetime) -> int:
    """Whole seconds until ``until`` (0 when passed), rounded up for Retry-After."""
    if until is None or until <= now:
        return 0
    return max(1, math.ceil((until - now).total_seconds()))


def _current(counter: Counter, now: datetime, policy: Policy) -> int:
    """The failures still remembered at ``now``."""
    last = counter.last_failure_at
    if last is None or now - last >= timedelta(seconds=policy.forget):
        return 0
    return counter.failures


def delay(failures: int, policy: Policy) -> float:
    """Seconds an attempt waits after the last of ``failures``."""
    if failures < policy.free:
        return 0.0
    return float(min(policy.cap, policy.base * 2 ** min(failures - policy.free, 32)))


def wait(counter: Counter, now: datetime, policy: Policy) -> int:
    """Seconds before the next attempt is looked at (0: now)."""
    failures = _current(counter, now, policy)
    if failures == 0 or counter.last_failure_at is None:
        return 0
    until = counter.last_failure_at + timedelta(seconds=delay(failures, policy))
    return seconds_left(until, now)


def after_failure(counter: Counter, now: datetime, policy: Policy) -> Counter:
    return Counter(_current(counter, now, policy) + 1, now)


def decide(*, name: int, address: int, pair: int, known_pair: bool) -> int:
    """The wait of one attempt, from the waits of its three counters: at an address where
    the account signed in before, only the pair's own; elsewhere the longest."""
    if known_pair:
        return pair
    return max(name, address, pair)
