"""A received audit record as the row the store appends."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from audit.domain.chain import link_hash
from sc_contracts.events.audit import AuditRecordedV1


def _clean(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; anything else is stored exactly as received.
    return value.replace("\x00", "\ufffd") if value else value


def record_row(
    record: AuditRecordedV1, *, received_at: datetime, day: date, position: int, prev_hash: str
) -> dict[str, Any]:
    """Every column of the record's row, its chain hash included."""
    row: dict[str, Any] = {
        "record_id": record.record_id,
        "occurred_at": record.occurred_at,
        "received_at": received_at,
        "service": _clean(record.service),
        "actor_id": _clean(record.actor_id),
        "actor_type": record.actor_type.value,
        "actor_roles": [_clean(r) or "" for r in record.actor_roles],
        "action": record.action,
        "resource_type": _clean(record.resource_type),
        "resource_id": _clean(record.resource_id),
        "community_id": _clean(record.community_id),
        "outcome": record.outcome.value,
        "source_ip": _clean(record.source_ip),
        "trace_id": _clean(record.trace_id),
        "request_id": _clean(record.request_id),
        "detail": {_clean(k) or "": _clean(v) or "" for k, v in record.detail.items()},
        "chain_day": day,
        "chain_pos": position,
        "prev_hash": prev_hash,
    }
    row["hash"] = link_hash(prev_hash, row)
    return row
