"""A circuit breaker per upstream: after N failures of the upstream in a row requests fail
fast for a while, then one trial request decides whether the circuit closes again.

Only failures of the upstream itself count (it cannot be reached, it does not answer in
time, it answers 502/503/504); the caller decides what is one (``gateway.proxy``). An
outcome that says nothing about the upstream (the gateway's own pool was full) is
``neutral``: it frees a half-open trial without deciding anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class CircuitBreaker:
    failure_threshold: int = 5
    reset_seconds: float = 10.0
    failures: int = 0
    opened_at: float | None = None
    _trial_in_flight: bool = field(default=False, repr=False)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if time.monotonic() - self.opened_at >= self.reset_seconds:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        if self.state == "half_open" and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def retry_after(self) -> int:
        if self.opened_at is None:
            return 0
        return max(1, int(self.reset_seconds - (time.monotonic() - self.opened_at)) + 1)

    def success(self) -> None:
        if self.failures or self.opened_at is not None or self._trial_in_flight:
            self.failures = 0
            self.opened_at = None
            self._trial_in_flight = False

    def failure(self) -> None:
        self._trial_in_flight = False
        self.failures += 1
        if self.failures >= self.failure_threshold or self.opened_at is not None:
            self.opened_at = time.monotonic()

    def neutral(self) -> None:
        """An outcome that tells nothing about the upstream: a trial may be tried again."""
        self._trial_in_flight = False
