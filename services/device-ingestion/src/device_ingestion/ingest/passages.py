"""Passages: a gate's reading with a ``passageType`` is a person or vehicle going
through, or refused there (``granted: false``: every attempt is recorded and traceable).
It becomes ``community.access.passage_recorded.v1`` on ``access.passages.v1`` (written
to the outbox with the stored reading, once). Its ``door_id`` is the gate device's
``door_id`` (set at registration: identity's door id), else the device's own id."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from device_ingestion.ingest.storage import StoredEvent

_METHOD = {
    "face": "face",
    "card": "card",
    "qr": "qr",
    "plate": "plate",
    "password": "password",
    "remote": "app",
}


def _credential(value: Any, limit: int) -> str | None:
    """A credential or plate the gate reported, as the passage event carries it: text (a
    number is its digits) no longer than the contract's limit. A value that is neither,
    or longer than any reader's, is left out: the passage is still recorded, without it,
    instead of the whole batch failing on an event no consumer could store."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= limit else None


def passages(
    events: Sequence[StoredEvent], new_rows: Iterable[tuple[str, str, datetime]]
) -> list[dict[str, Any]]:
    fresh = {(d, ts) for d, key, ts in new_rows if key == "passageType"}
    out = []
    for ev in events:
        values = ev.values
        if ev.device_type != "gate" or (ev.device_id, ev.ts) not in fresh:
            continue
        method = _METHOD.get(str(values.get("passageType")), "other")
        credential = _credential(values.get("credentialId"), 64)
        out.append(
            {
                "passage_id": f"{ev.device_id}:{int(ev.ts.timestamp() * 1000)}",
                "device_id": ev.device_id,
                "door_id": None,
                "community_id": ev.community_id,
                "direction": values.get("direction")
                if values.get("direction") in ("in", "out")
                else "unknown",
                "method": method,
                "ts": ev.ts.isoformat(),
                "face_id": _credential(values.get("faceId"), 128),
                "card_no": credential if method == "card" else None,
                "plate": _credential(values.get("plateNumber"), 16),
                "person_id": None,
                "pass_id": credential if method == "qr" else None,
                "granted": values.get("granted") is not False,
            }
        )
        fresh.discard((ev.device_id, ev.ts))
    return out


async def door_ids(conn: AsyncConnection, device_ids: Iterable[str]) -> dict[str, str]:
    """The door id of each gate device: its ``door_id``, else its own id."""
    rows = await conn.execute(
        text(
            "SELECT id::text AS id, coalesce(door_id, id::text) AS door FROM devices "
            "WHERE id = ANY(CAST(:ids AS uuid[]))"
        ),
        {"ids": sorted(device_ids)},
    )
    return {r.id: r.door for r in rows}
