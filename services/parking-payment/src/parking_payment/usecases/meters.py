"""Meter figures for metered fees (按用量收费) from device-ingestion's telemetry.

A batch consumer of ``telemetry.readings.v1`` hands every batch here; readings of water,
electricity and gas meters placed in a room keep, per meter and month (Beijing time),
the earliest and the latest cumulative counter seen — one upsert per batch, idempotent
(a redelivered reading changes nothing), exact on late data. The month's use of a room
is the sum over its meters of last − first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert

from parking_payment.db.fees import MeterMonthRow
from parking_payment.domain.bills import MeterKind
from parking_payment.usecases.ports import Uow

CN = ZoneInfo("Asia/Shanghai")
COUNTERS = {
    "water_meter": (MeterKind.water, "totalWaterConsumption"),
    "electricity_meter": (MeterKind.electricity, "totalActiveEnergyImport"),
    "gas_meter": (MeterKind.gas, "totalGasConsumption"),
}


@dataclass(frozen=True, slots=True)
class MeterReading:
    room_id: str
    device_id: str
    kind: MeterKind
    at: datetime
    value: Decimal


def meter_readings(events: Iterable[object]) -> list[MeterReading]:
    """The meter readings among telemetry events (``TelemetryRecordedV1``-shaped)."""
    out = []
    for e in events:
        kind_key = COUNTERS.get(getattr(e, "device_type", ""))
        room = getattr(e, "room_id", None)
        if kind_key is None or room is None:
            continue
        value = getattr(e, "values", {}).get(kind_key[1])
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        out.append(MeterReading(room, e.device_id, kind_key[0], e.ts, Decimal(str(value))))  # type: ignore[attr-defined]
    return out


async def record(uow: Uow, readings: list[MeterReading]) -> int:
    rows: dict[tuple[str, str, str], dict[str, object]] = {}
    for r in readings:
        month = r.at.astimezone(CN).strftime("%Y-%m")
        key = (r.room_id, r.device_id, month)
        row = rows.get(key)
        if row is None:
            rows[key] = {
                "room_id": r.room_id,
                "device_id": r.device_id,
                "month": month,
                "kind": r.kind.value,
                "first_at": r.at,
                "first_value": r.value,
                "last_at": r.at,
                "last_value": r.value,
            }
            continue
        if r.at < row["first_at"]:  # type: ignore[operator]
            row["first_at"], row["first_value"] = r.at, r.value
        if r.at > row["last_at"]:  # type: ignore[operator]
            row["last_at"], row["last_value"] = r.at, r.value
    if not rows:
        return 0
    stmt = insert(MeterMonthRow).values(list(rows.values()))
    t = MeterMonthRow.__table__.c
    ex = stmt.excluded
    earlier = ex.first_at < t.first_at
    later = ex.last_at > t.last_at
    stmt = stmt.on_conflict_do_update(
        index_elements=["room_id", "device_id", "month"],
        set_={
            "first_value": case((earlier, ex.first_value), else_=t.first_value),
            "first_at": func.least(t.first_at, ex.first_at),
            "last_value": case((later, ex.last_value), else_=t.last_value),
            "last_at": func.greatest(t.last_at, ex.last_at),
        },
    )
    await uow.session.execute(stmt)
    return len(rows)


async def usage(uow: Uow, room_id: str, month: str) -> dict[MeterKind, Decimal]:
    """A room's use in ``month`` per kind: for each meter, its last reading of the month
    minus its last reading of the month before (or its first of this month when it has
    none): nothing between two months is lost, nothing counted twice."""
    year, mon = (int(x) for x in month.split("-"))
    previous = f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"
    rows = (
        await uow.session.execute(
            select(MeterMonthRow).where(
                MeterMonthRow.room_id == room_id, MeterMonthRow.month.in_((month, previous))
            )
        )
    ).scalars()
    by_device: dict[str, dict[str, MeterMonthRow]] = {}
    for row in rows:
        by_device.setdefault(row.device_id, {})[row.month] = row
    totals: dict[MeterKind, Decimal] = {}
    for months in by_device.values():
        this = months.get(month)
        if this is None:
            continue
        before = months.get(previous)
        start = before.last_value if before is not None else this.first_value
        kind = MeterKind(this.kind)
        totals[kind] = totals.get(kind, Decimal(0)) + max(Decimal(0), this.last_value - start)
    return totals
