"""Lockout decisions (pure): failed logins per account and per source address."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Counter:
    failures: int
    window_started_at: datetime
    blocked_until: datetime | None


def seconds_left(until: datetime | None, now: datetime) -> int:
    """Whole seconds until ``until`` (0 when passed), rounded up for Retry-After."""
    if until is None or until <= now:
        return 0
    return max(1, math.ceil((until - now).total_seconds()))


def account_failure(
    failures: int, now: datetime, *, max_failures: int, lock_seconds: int
) -> tuple[int, datetime | None]:
    """(failures, locked_until) after one more failed password for an account."""
    failures += 1
    if failures >= max_failures:
        return 0, now + timedelta(seconds=lock_seconds)
    return failures, None


def address_failure(
    counter: Counter, now: datetime, *, max_failures: int, window_seconds: int, block_seconds: int
) -> Counter:
    """The address counter after one more failure: a fresh window when the old one ended,
    a block when the window holds ``max_failures``."""
    started, failures = counter.window_started_at, counter.failures
    if now - started >= timedelta(seconds=window_seconds):
        started, failures = now, 0
    failures += 1
    if failures >= max_failures:
        return Counter(0, now, now + timedelta(seconds=block_seconds))
    return Counter(failures, started, counter.blocked_until)
