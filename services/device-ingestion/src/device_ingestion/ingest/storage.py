"""Storing telemetry: raw time series, latest values, additive roll-ups, device activity.

One call stores a batch of telemetry events in one transaction:

1. raw rows go to ``telemetry`` (``ON CONFLICT DO NOTHING``); only the rows that were
   new come back, so a redelivered batch adds nothing anywhere (idempotent);
2. the new numeric rows are folded into ``telemetry_rollups`` per device, key, period
   and bucket with additive upserts (count + n, sum + s, least(min), greatest(max)) -
   a late reading corrects exactly the buckets it falls in;
3. ``telemetry_latest`` keeps, per device and key, the reading with the greatest ts;
4. devices heard from get their last activity time; those that were offline come back
   online and a status event is written to the outbox in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from device_ingestion.db.models import PARTITION_SCHEMA
from device_ingestion.domain.buckets import PERIODS, Bucketer
from device_ingestion.status import StatusChange


@dataclass(frozen=True)
class StoredEvent:
    device_id: str  # canonical UUID text
    ts: datetime
    values: dict[str, Any]
    received_at: datetime
    device_type: str = ""
    community_id: str = ""


def parse_event(data: dict[str, Any]) -> StoredEvent:
    """The stored view of a telemetry event's data; ValueError when it does not fit."""
    try:
        values = data["values"]
        if not isinstance(values, dict) or not values:
            raise ValueError("values must be a non-empty object")
        return StoredEvent(
            device_id=str(uuid.UUID(str(data["device_id"]))),
            ts=_aware(datetime.fromisoformat(data["ts"])),
            values=values,
            received_at=_aware(datetime.fromisoformat(data["received_at"])),
            device_type=str(data.get("device_type", "")),
            community_id=str(data.get("community_id", "")),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a telemetry event: {exc}") from exc


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must carry a UTC offset")
    return value


# Run on the asyncpg connection under the SQLAlchemy one (same transaction): at thousands
# of rows per batch, SQLAlchemy's parameter and row handling cost more than the database.
_INSERT_RAW = """
    INSERT INTO telemetry (device_id, key, ts, num, bool, str)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::float8[],
                         $5::boolean[], $6::text[])
    ON CONFLICT DO NOTHING
    RETURNING device_id::text, key, ts, num, bool
"""

_UPSERT_LATEST = """
    INSERT INTO telemetry_latest AS l (device_id, key, ts, num, bool, str)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::float8[],
                         $5::boolean[], $6::text[])
    ON CONFLICT (device_id, key) DO UPDATE
        SET ts = excluded.ts, num = excluded.num, bool = excluded.bool, str = excluded.str
        WHERE excluded.ts >= l.ts
"""

_UPSERT_ROLLUPS = """
    INSERT INTO telemetry_rollups AS r (device_id, key, period, bucket, count, sum, min, max)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[],
                         $5::bigint[], $6::float8[], $7::float8[], $8::float8[])
    ON CONFLICT (device_id, key, period, bucket) DO UPDATE
        SET count = r.count + excluded.count, sum = r.sum + excluded.sum,
            min = least(r.min, excluded.min), max = greatest(r.max, excluded.max)
"""

_TOUCH_DEVICES = text(
    """
    WITH seen AS (
        SELECT * FROM unnest(CAST(:device_id AS uuid[]), CAST(:at AS timestamptz[]))
            AS s(id, at)
    ), before AS (
        SELECT d.id, d.status FROM devices d JOIN seen ON seen.id = d.id
        ORDER BY d.id FOR UPDATE OF d
    )
    UPDATE devices d
       SET last_activity_at = greatest(d.last_activity_at, seen.at),
           status = 'online',
           status_changed_at = CASE WHEN before.status <> 'online' THEN now()
                                    ELSE d.status_changed_at END
      FROM seen JOIN before ON before.id = seen.id
     WHERE d.id = seen.id
    RETURNING d.id, d.device_type, d.community_id, d.last_activity_at,
              before.status AS previous_status
    """
)


class PartitionKeeper:
    """Creates the monthly partition of ``telemetry`` a reading needs, once per process."""

    def __init__(self) -> None:
        self.known: set[tuple[int, int]] = set()

    async def ensure(self, engine: AsyncEngine, instants: Sequence[datetime]) -> None:
        months = {(t.astimezone(UTC).year, t.astimezone(UTC).month) for t in instants}
        for year, month in sorted(months - self.known):
            await self._create(engine, year, month)
            self.known.add((year, month))

    async def _create(self, engine: AsyncEngine, year: int, month: int) -> None:
        start = datetime(year, month, 1, tzinfo=UTC)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
        name = f"{PARTITION_SCHEMA}.telemetry_y{year:04d}m{month:02d}"
        async with engine.begin() as conn:
            exists = await conn.scalar(text("SELECT to_regclass(:n)"), {"n": name})
            if exists is not None:
                return
            # Readings of that month that reached the default partition (if any) move in.
            await conn.execute(text("LOCK TABLE telemetry IN ACCESS EXCLUSIVE MODE"))
            if await conn.scalar(text("SELECT to_regclass(:n)"), {"n": name}) is not None:
                return
            # the bounds are computed here, never taken from input
            window = f"ts >= '{start.isoformat()}' AND ts < '{end.isoformat()}'"
            default = f"{PARTITION_SCHEMA}.telemetry_default"
            copy = f"CREATE TEMP TABLE moving ON COMMIT DROP AS SELECT * FROM {default}"  # noqa: S608
            await conn.execute(text(f"{copy} WHERE {window}"))
            await conn.execute(text(f"DELETE FROM {default} WHERE {window}"))  # noqa: S608
            await conn.execute(
                text(
                    f"CREATE TABLE {name} PARTITION OF telemetry FOR VALUES FROM "
                    f"('{start.isoformat()}') TO ('{end.isoformat()}')"
                )
            )
            await conn.execute(text("INSERT INTO telemetry SELECT * FROM moving"))


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    return [[row[i] for row in rows] for i in range(width)]


@dataclass
class Stored:
    new_rows: set[tuple[str, str, datetime]]
    changes: list[StatusChange]


async def _driver(conn: AsyncConnection) -> Any:
    """The asyncpg connection under ``conn`` (inside the same transaction)."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def store_batch(
    conn: AsyncConnection, events: Sequence[StoredEvent], bucketer: Bucketer
) -> Stored:
    """Store ``events`` in the caller's transaction: the new rows and devices back online."""
    raw: dict[tuple[str, str, datetime], tuple[Any, ...]] = {}
    seen: dict[str, datetime] = {}
    for ev in events:
        device_id, ts = ev.device_id, ev.ts
        for key, value in ev.values.items():
            if value is True or value is False:
                row: tuple[Any, ...] = (device_id, key, ts, None, value, None)
            elif isinstance(value, int | float):
                row = (device_id, key, ts, float(value), None, None)
            else:
                row = (device_id, key, ts, None, None, str(value))
            raw[(device_id, key, ts)] = row
        previous = seen.get(device_id)
        if previous is None or ev.received_at > previous:
            seen[device_id] = ev.received_at
    rows = list(raw.values())
    db = await _driver(conn)
    inserted = await db.fetch(_INSERT_RAW, *_columns(rows, 6))

    latest: dict[tuple[str, str], tuple[Any, ...]] = {}
    for row in rows:
        current = latest.get((row[0], row[1]))
        if current is None or row[2] >= current[2]:
            latest[(row[0], row[1])] = row
    latest_rows = sorted(latest.values(), key=lambda r: (r[0], r[1]))
    await db.execute(_UPSERT_LATEST, *_columns(latest_rows, 6))

    await _fold_rollups(db, inserted, bucketer)
    changes = await touch_devices(conn, {uuid.UUID(k): v for k, v in seen.items()})
    return Stored({(r[0], r[1], r[2]) for r in inserted}, changes)


async def _fold_rollups(db: Any, inserted: Sequence[Any], bucketer: Bucketer) -> None:
    acc: dict[tuple[str, str, str, datetime], list[float]] = {}
    for device_id, key, ts, num, bol in inserted:
        value = num if num is not None else (float(bol) if bol is not None else None)
        if value is None:
            continue
        for period, bucket in zip(PERIODS, bucketer.buckets(ts), strict=True):
            cell = acc.get((device_id, key, period, bucket))
            if cell is None:
                acc[(device_id, key, period, bucket)] = [1, value, value, value]
            else:
                cell[0] += 1
                cell[1] += value
                if value < cell[2]:
                    cell[2] = value
                if value > cell[3]:
                    cell[3] = value
    if not acc:
        return
    items = sorted(acc.items())  # one lock order for every writer
    await db.execute(
        _UPSERT_ROLLUPS,
        [k[0] for k, _ in items],
        [k[1] for k, _ in items],
        [k[2] for k, _ in items],
        [k[3] for k, _ in items],
        [int(v[0]) for _, v in items],
        [v[1] for _, v in items],
        [v[2] for _, v in items],
        [v[3] for _, v in items],
    )


async def touch_devices(
    conn: AsyncConnection, seen: dict[uuid.UUID, datetime]
) -> list[StatusChange]:
    if not seen:
        return []
    ids = sorted(seen)
    result = await conn.execute(_TOUCH_DEVICES, {"device_id": ids, "at": [seen[i] for i in ids]})
    return [
        StatusChange(
            device_id=row.id,
            device_type=row.device_type,
            community_id=row.community_id,
            status="online",
            last_activity_at=row.last_activity_at,
        )
        for row in result
        if row.previous_status != "online"
    ]
