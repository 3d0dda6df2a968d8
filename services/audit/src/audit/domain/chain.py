"""The per-day hash chain of audit records.

Records of one UTC day (of ``occurred_at``) form a chain in the order they were stored:
position 1, 2, 3 ... Each record's hash is SHA-256 over the previous record's hash of
that day and the record's canonical content::

    hash(n) = sha256( hash(n-1) || "|" || canonical(record n) )      hash(0) = genesis(day)

The canonical content is the JSON of every stored field (sorted keys, no spaces, UTF-8,
datetimes in UTC with microseconds), including the record's day and position, so that a
changed field, a record moved to another day or to another place in the chain, a removed
record or a removed tail (checked against the chain head) all break verification.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

CANONICAL_VERSION = 1
CHAIN_FIELDS = (
    "record_id",
    "occurred_at",
    "received_at",
    "service",
    "actor_id",
    "actor_type",
    "actor_roles",
    "action",
    "resource_type",
    "resource_id",
    "community_id",
    "outcome",
    "source_ip",
    "trace_id",
    "request_id",
    "detail",
    "chain_day",
    "chain_pos",
)


def chain_day(occurred_at: datetime) -> date:
    """The chain (and partition) day of a record: the UTC date it happened."""
    return occurred_at.astimezone(UTC).date()


def genesis_hash(day: date) -> str:
    """The hash a day's first record links to."""
    return hashlib.sha256(
        f"sc-audit-chain|v{CANONICAL_VERSION}|{day.isoformat()}".encode()
    ).hexdigest()


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_canonical_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    return value


def canonical_content(record: Mapping[str, Any]) -> bytes:
    """The bytes a record's hash covers (every field of :data:`CHAIN_FIELDS`)."""
    body = {name: _canonical_value(record.get(name)) for name in CHAIN_FIELDS}
    body["v"] = CANONICAL_VERSION
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(prev_hash: str, record: Mapping[str, Any]) -> str:
    """The hash of ``record`` chained after a record whose hash is ``prev_hash``."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(b"|")
    digest.update(canonical_content(record))
    return digest.hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """The first place a day's chain does not hold.

    ``reason``: ``missing_record`` (a position is absent), ``duplicate_position``,
    ``wrong_day``, ``broken_link`` (the stored previous hash is not the previous
    record's hash), ``altered`` (the content no longer gives the stored hash),
    ``missing_head``, ``truncated`` (the chain head counts more records than stored),
    ``head_mismatch`` (the head's last hash or length disagrees with the records).
    """

    position: int
    reason: str
    record_id: str | None = None
    expected: str | None = None
    found: str | None = None


class ChainVerifier:
    """Feed a day's records in position order; the first broken link is kept."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.count = 0
        self.last_hash = genesis_hash(day)
        self.broken: BrokenLink | None = None

    def feed(self, record: Mapping[str, Any]) -> BrokenLink | None:
        if self.broken is not None:
            return self.broken
        expected_pos = self.count + 1
        position = int(record["chain_pos"])
        record_id = str(record.get("record_id"))
        self.count += 1
        if position != expected_pos:
            reason = "missing_record" if position > expected_pos else "duplicate_position"
            return self._break(expected_pos, reason, record_id, str(expected_pos), str(position))
        if record.get("chain_day") != self.day:
            return self._break(
                position, "wrong_day", record_id, self.day.isoformat(), str(record.get("chain_day"))
            )
        if record.get("prev_hash") != self.last_hash:
            return self._break(
                position, "broken_link", record_id, self.last_hash, record.get("prev_hash")
            )
        computed = link_hash(self.last_hash, record)
        if computed != record.get("hash"):
            return self._break(position, "altered", record_id, computed, record.get("hash"))
        self.last_hash = computed
        return None

    def finish(self, head_length: int | None, head_hash: str | None) -> BrokenLink | None:
        """Compare with the chain head (``None``: the day has no head row)."""
        if self.broken is not None:
            return self.broken
        if head_length is None:
            if self.count:
                return self._break(self.count, "missing_head")
            return None
        if head_length > self.count:
            return self._break(self.count + 1, "truncated", None, str(head_length), str(self.count))
        if head_length < self.count:
            return self._break(
                head_length + 1, "head_mismatch", None, str(head_length), str(self.count)
            )
        if head_hash != self.last_hash:
            return self._break(self.count, "head_mismatch", None, head_hash, self.last_hash)
        return None

    def _break(
        self,
        position: int,
        reason: str,
        record_id: str | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> BrokenLink:
        self.broken = BrokenLink(position, reason, record_id, expected, found)
        return self.broken
