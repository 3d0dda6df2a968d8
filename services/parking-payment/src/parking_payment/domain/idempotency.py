"""Idempotency keys on creation (幂等键), Stripe's rules.

The same key with the same request (same caller, method, path, body) gets the first
answer again; the same key with another request is an error; a key is kept at least
24 hours. A request still being processed under the key is answered "in progress" (the
client retries), never processed twice.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from parking_payment.domain.errors import DomainError

MIN_TTL = timedelta(hours=24)
_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,128}$")


class Verdict(StrEnum):
    new = "new"
    replay = "replay"
    conflict = "conflict"
    in_progress = "in_progress"


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    key: str
    owner: str
    fingerprint: str
    created_at: datetime
    expires_at: datetime
    status_code: int | None = None  # None while the first request is being processed
    response: dict[str, Any] | None = None


def validate_key(key: str) -> str:
    if not _KEY.match(key):
        raise DomainError(
            "payment.bad_idempotency_key",
            "幂等键须为 8 到 128 位字母、数字或 _-:.",
            "the idempotency key must be 8 to 128 letters, digits or _-:.",
        )
    return key


def fingerprint(owner: str, method: str, path: str, body: Any) -> str:
    canonical = json.dumps(
        [owner, method.upper(), path, body], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def check(record: IdempotencyRecord | None, fp: str, now: datetime) -> Verdict:
    if record is None or now >= record.expires_at:
        return Verdict.new
    if record.fingerprint != fp:
        return Verdict.conflict
    if record.status_code is None:
        return Verdict.in_progress
    return Verdict.replay


def expiry(now: datetime, ttl: timedelta) -> datetime:
    return now + max(ttl, MIN_TTL)


CONFLICT = DomainError(
    "payment.idempotency_conflict",
    "该幂等键已用于另一笔不同的请求",
    "this idempotency key was used for a different request",
)
IN_PROGRESS = DomainError(
    "payment.idempotency_in_progress",
    "相同的请求正在处理中，请稍后重试",
    "the same request is still being processed; retry shortly",
)
