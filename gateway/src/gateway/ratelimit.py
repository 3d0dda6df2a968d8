"""Token-bucket rate limits per caller (token subject) and per source address.

Buckets live in this gateway process; with N replicas behind a load balancer each caller
gets N times the rate, which the limits in values.yaml account for.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, rate_per_second: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate = rate_per_second
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    def check(self, key: str, now: float | None = None) -> float:
        """Take one token for ``key``; 0.0 when allowed, else seconds until the next one."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._evict(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _evict(self, now: float) -> None:
        full_after = self.burst / self.rate
        stale = [k for k, b in self._buckets.items() if now - b.updated > full_after]
        for key in stale or list(self._buckets)[: len(self._buckets) // 10 or 1]:
            del self._buckets[key]


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
