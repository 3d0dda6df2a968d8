"""Storing telemetry: raw time series, latest values, additive roll-ups, device activity.

One call stores a batch of telemetry events in one transaction:

1. raw rows go to ``telemetry`` (``ON CONFLICT DO NOTHING``); only the rows that were
   new come back, so a redelivered batch adds nothing anywhere (idempotent);
2. the new numeric rows are folded into ``telemetry_rollups`` per device, key, period
   and bucket with additive upserts (count + n, sum + s, least(min), greatest(max)) -
   a late reading corrects exactly the buckets it falls in; all three in one statement,
   the buckets cut by PostgreSQL in the community's time zone;
3. ``telemetry_latest`` keeps, per device and key, the reading with the greatest ts;
4. devices heard from get their last activity time; those that were offline come back
   online and a status event is written to the outbox in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from device_ingestion.db.models import PARTITION_SCHEMA
from device_ingestion.status import StatusChange
from sc_contracts.events import TelemetryRecordedV1


@dataclass(frozen=True)
class StoredEvent:
    device_id: str  # canonical UUID text
    ts: datetime
    values: dict[str, Any]
    received_at: datetime
    device_type: str = ""
    community_id: str = ""


def stored_event(reading: TelemetryRecordedV1) -> StoredEvent:
    """The stored view of a telemetry event (decoded by the one codec); ValueError when
    its device id is not a UUID."""
    return StoredEvent(
        device_id=_canonical_id(reading.device_id),
        ts=reading.ts,
        values=reading.values,
        received_at=reading.received_at,
        device_type=reading.device_type,
        community_id=reading.community_id,
    )


@lru_cache(maxsize=65536)
def _canonical_id(text: str) -> str:
    return str(uuid.UUID(text))  # devices repeat: validated once each


# Run on the asyncpg connection under the SQLAlchemy one (same transaction): at thousands
# of rows per batch, SQLAlchemy's parameter and row handling cost more than the database.
# One statement stores a batch (three data-modifying CTEs see the same input): new raw rows,
# the latest value per device and key, and the new numeric rows folded into the additive
# roll-ups with buckets cut in the community's time zone ($7). Only the new rows of the
# keys in $8 (passages) come back, so thousands of rows are not shipped back to Python.
_STORE = """
    WITH input AS (
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::float8[],
                             $5::boolean[], $6::text[]) AS i(device_id, key, ts, num, bool, str)
    ), ins AS (
        INSERT INTO telemetry (device_id, key, ts, num, bool, str)
        SELECT * FROM input
        ON CONFLICT DO NOTHING
        RETURNING device_id, key, ts, num, bool
    ), latest AS (
        INSERT INTO telemetry_latest AS l (device_id, key, ts, num, bool, str)
        SELECT DISTINCT ON (device_id, key) * FROM input ORDER BY device_id, key, ts DESC
        ON CONFLICT (device_id, key) DO UPDATE
            SET ts = excluded.ts, num = excluded.num, bool = excluded.bool, str = excluded.str
            WHERE excluded.ts >= l.ts
    ), folded AS (
        INSERT INTO telemetry_rollups AS r (device_id, key, period, bucket, count, sum, min, max)
        SELECT v.device_id, v.key, p.period,
               date_trunc(p.period, v.ts AT TIME ZONE $7) AT TIME ZONE $7 AS bucket,
               count(*), sum(v.value), min(v.value), max(v.value)
          FROM (SELECT device_id, key, ts, coalesce(num, bool::int::float8) AS value
                  FROM ins WHERE num IS NOT NULL OR bool IS NOT NULL) v
         CROSS JOIN (VALUES ('hour'), ('day'), ('month'), ('year')) AS p(period)
         GROUP BY 1, 2, 3, 4
         ORDER BY 1, 2, 3, 4
        ON CONFLICT (device_id, key, period, bucket) DO UPDATE
            SET count = r.count + excluded.count, sum = r.sum + excluded.sum,
                min = least(r.min, excluded.min), max = greatest(r.max, excluded.max)
    ), dirty AS (
        -- new meter counter readings ($9 types, $10 their counter keys): the community's
        -- energy roll-ups are stale from their bucket on (device_ingestion.energy)
        INSERT INTO energy_dirty AS e (community_id, period, since)
        SELECT d.community_id, p.period,
               min(date_trunc(p.period, i.ts AT TIME ZONE $7) AT TIME ZONE $7)
          FROM ins i
          JOIN devices d ON d.id = i.device_id
          JOIN unnest($9::text[], $10::text[]) AS m(type, key)
            ON m.type = d.device_type AND m.key = i.key
         CROSS JOIN (VALUES ('day'), ('month'), ('year')) AS p(period)
         WHERE i.key = ANY($10::text[])
         GROUP BY 1, 2
         ORDER BY 1, 2
        ON CONFLICT (community_id, period) DO UPDATE
            SET since = least(e.since, excluded.since), seq = e.seq + 1
    )
    SELECT (SELECT count(*) FROM ins) AS n, NULL::text, NULL::text, NULL::timestamptz
    UNION ALL
    SELECT NULL, device_id::text, key, ts FROM ins WHERE key = ANY($8::text[])
"""

#: keys whose new rows store_batch reports back (see passages)
REPORTED_KEYS = ["passageType"]

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


@dataclass
class Stored:
    new: int  # raw rows that were new
    new_rows: set[tuple[str, str, datetime]]  # those of REPORTED_KEYS
    changes: list[StatusChange]


async def _driver(conn: AsyncConnection) -> Any:
    """The asyncpg connection under ``conn`` (inside the same transaction)."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def store_batch(
    conn: AsyncConnection,
    events: Sequence[StoredEvent],
    timezone: str,
    meters: tuple[list[str], list[str]] = ([], []),
    *,
    touch: bool = True,
) -> Stored:
    """Store ``events`` in the caller's transaction: how many rows were new, the new rows of
    ``REPORTED_KEYS``, and the devices back online (``touch``: the devices were heard from)."""
    devs: list[str] = []
    keys: list[str] = []
    stamps: list[datetime] = []
    nums: list[float | None] = []
    bools: list[bool | None] = []
    strs: list[str | None] = []
    seen: dict[str, datetime] = {}
    for ev in events:
        device_id, ts = ev.device_id, ev.ts
        for key, value in ev.values.items():
            devs.append(device_id)
            keys.append(key)
            stamps.append(ts)
            if value is True or value is False:
                nums.append(None)
                bools.append(value)
                strs.append(None)
            elif isinstance(value, int | float):
                nums.append(float(value))
                bools.append(None)
                strs.append(None)
            else:
                nums.append(None)
                bools.append(None)
                strs.append(str(value))
        previous = seen.get(device_id)
        if previous is None or ev.received_at > previous:
            seen[device_id] = ev.received_at
    db = await _driver(conn)
    rows = await db.fetch(
        _STORE, devs, keys, stamps, nums, bools, strs, timezone, REPORTED_KEYS, *meters
    )
    new = int(rows[0][0]) if rows else 0
    reported = {(r[1], r[2], r[3]) for r in rows[1:]}
    # readings that did not come from the device itself (a utility's import) are no activity
    changes = await touch_devices(conn, {uuid.UUID(k): v for k, v in seen.items()}) if touch else []
    return Stored(new, reported, changes)


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
