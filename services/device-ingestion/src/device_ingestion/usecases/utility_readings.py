"""A utility company's meter readings in (issue 25 item 2, 5.2): its CSV file or its API
call lands in the energy figures (``GET /api/v1/energy``) as readings of the registered
meters its meter numbers name (ADR 0039).

Each row is checked on its own: a meter number no meter in the caller's places carries, a
time in the future or older than the readings kept, a value outside the meter's range, a
row repeating another, a different reading already recorded at that time: each is reported
by line and column in words (zh-CN, en), and the good rows import all the same. The same
readings twice change nothing (one reading per meter and time: the raw table's key). Every
import is recorded (who, the content's SHA-256, rows new / already there / refused) and
audited, in the transaction that stores its readings."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from device_ingestion.config import Settings
from device_ingestion.db.models import devices, utility_imports
from device_ingestion.domain import utility_readings as csvfile
from device_ingestion.domain.catalogue import Catalogue, DeviceType
from device_ingestion.domain.utility_readings import Reading, RowError
from device_ingestion.ingest.storage import StoredEvent, store_batch
from device_ingestion.usecases.storage import Storage
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

# Who brings readings in: the utility's own service account (client credentials, role
# integrator, granted over the communities it serves) and the staff who run the meters.
IMPORTERS = ("integrator", "platform_admin", "community_admin", "property_manager")
# Who reads every import's record (everyone else: their own imports).
RECORD_READERS = ("platform_admin", "auditor")
KEPT_ERRORS = 1000  # the record keeps the first problems; the answer has them all


@dataclass
class ImportOutcome:
    row: Any  # the utility_imports row
    errors: list[RowError] = field(default_factory=list)


def _refused(errors: list[RowError]) -> Problem:
    return Problem(
        422,
        "utility_readings.invalid",
        "The file cannot be read: " + "; ".join(f"line {e.line}: {e.en}" for e in errors[:5]),
        zh="文件无法读取：" + "；".join(f"第 {e.line} 行：{e.zh}" for e in errors[:5]),
        errors=[e.as_dict() for e in errors],
    )


class UtilityReadings:
    def __init__(
        self, settings: Settings, db: Database, catalogue: Catalogue, storage: Storage
    ) -> None:
        self.settings = settings
        self.db = db
        self.catalogue = catalogue
        self.storage = storage

    async def import_csv(self, who: Caller, kind: str, data: bytes) -> ImportOutcome:
        """A CSV file (UTF-8 or GB 18030) of one kind of meter."""
        content = csvfile.decode(data)
        if content is None:
            raise _refused(
                [
                    RowError(
                        1,
                        "",
                        "文件不是 CSV（UTF-8 或 GB18030 编码）",
                        "Not a CSV file (UTF-8 or GB 18030)",
                    )
                ]
            )
        readings, errors = csvfile.parse_csv(content, self.settings.community_timezone)
        if not readings and not errors:
            raise _refused([RowError(2, "", "文件中没有读数", "The file has no readings")])
        if errors and errors[0].line == 1:  # the header lacks a column: nothing to import
            raise _refused(errors)
        digest = hashlib.sha256(data).hexdigest()
        return await self._import(who, kind, "csv", digest, readings, errors)

    async def import_items(
        self, who: Caller, kind: str, items: list[tuple[str, datetime, float]], digest: str
    ) -> ImportOutcome:
        """Readings sent by the utility's API call: item n is line n."""
        readings = [
            Reading(n, meter_no, read_at, value)
            for n, (meter_no, read_at, value) in enumerate(items, start=1)
        ]
        return await self._import(who, kind, "api", digest, readings, [])

    async def _import(
        self,
        who: Caller,
        kind: str,
        source: str,
        digest: str,
        readings: list[Reading],
        errors: list[RowError],
    ) -> ImportOutcome:
        types = {t.name: t for t in self.catalogue.meter_types(kind)}
        words = csvfile.KIND_WORDS[kind]
        now = datetime.now(UTC)
        earliest = now - timedelta(days=self.settings.telemetry_max_age_days)
        latest = now + timedelta(seconds=self.settings.telemetry_max_future_s)
        async with self.db.uow() as uow:
            meters = await _meters(uow, list(types), {r.meter_no for r in readings})
            good: list[tuple[Reading, Any]] = []
            seen: dict[tuple[str, str, datetime], int] = {}
            for r in readings:
                meter = meters.get(r.meter_no)
                if meter is None or not in_scope(
                    who.principal,
                    community_id=meter.community_id,
                    building_id=meter.building_id,
                    unit_id=meter.unit_id,
                    household_id=meter.household_id,
                    roles=IMPORTERS,
                ):
                    errors.append(
                        RowError(
                            r.line,
                            "表号",
                            f"您负责的范围内没有登记表号为“{r.meter_no}”的{words[0]}",
                            f"No {words[1]} meter numbered {r.meter_no!r} is registered "
                            "in your places",
                        )
                    )
                    continue
                problem = _window(r, earliest, latest, self.settings.telemetry_max_age_days)
                spec = types[meter.device_type]
                counter = _counter(spec)
                problem = problem or csvfile.out_of_range(
                    r, spec.keys[counter].min, spec.keys[counter].max
                )
                key = (str(meter.id), counter, r.read_at)
                if problem is None and key in seen:
                    problem = RowError(
                        r.line,
                        "抄表时间",
                        f"与第 {seen[key]} 行是同一表同一时间的读数",
                        f"Repeats line {seen[key]}: the same meter at the same time",
                    )
                if problem is not None:
                    errors.append(problem)
                    continue
                seen[key] = r.line
                good.append((r, meter))
            new, unchanged = await self._split(uow, good, errors)
            await self._store(uow, new, now)
            errors.sort(key=lambda e: (e.line, e.column))
            row = await self._record(
                uow, who, kind, source, digest, readings, new, unchanged, errors
            )
            await uow.commit()
        return ImportOutcome(row, errors)

    async def _split(
        self, uow: UnitOfWork, good: list[tuple[Reading, Any]], errors: list[RowError]
    ) -> tuple[list[tuple[Reading, Any]], int]:
        """The readings not yet recorded, and how many were recorded already with the same
        value; a different value already recorded is a problem of its row."""
        if not good:
            return [], 0
        known = await uow.session.execute(
            text(
                """
                SELECT t.device_id::text AS device_id, t.key, t.ts, t.num
                  FROM unnest(CAST(:ids AS uuid[]), CAST(:keys AS text[]),
                              CAST(:ts AS timestamptz[])) AS c(device_id, key, ts)
                  JOIN telemetry t USING (device_id, key, ts)
                """
            ),
            {
                "ids": [str(m.id) for _, m in good],
                "keys": [_counter(self.catalogue.get(m.device_type)) for _, m in good],
                "ts": [r.read_at for r, _ in good],
            },
        )
        recorded = {(k.device_id, k.ts): k.num for k in known}
        new: list[tuple[Reading, Any]] = []
        unchanged = 0
        for r, meter in good:
            value = recorded.get((str(meter.id), r.read_at), _ABSENT)
            if value is _ABSENT:
                new.append((r, meter))
            elif value is not None and abs(float(value) - r.value) < 1e-9:
                unchanged += 1
            else:
                errors.append(
                    RowError(
                        r.line,
                        "读数",
                        f"该表此时已记录读数 {value:g}，与本行的 {r.value:g} 不同",
                        f"The meter already has the reading {value:g} at that time, "
                        f"not {r.value:g}",
                    )
                )
        return new, unchanged

    async def _store(self, uow: UnitOfWork, new: list[tuple[Reading, Any]], now: datetime) -> None:
        if not new:
            return
        events = [
            StoredEvent(
                device_id=str(meter.id),
                ts=r.read_at,
                values={_counter(self.catalogue.get(meter.device_type)): r.value},
                received_at=now,
                device_type=meter.device_type,
                community_id=meter.community_id,
            )
            for r, meter in new
        ]
        await self.storage.partitions.ensure(self.db.engine, [e.ts for e in events])
        conn = await uow.session.connection()
        # the community's energy figures are marked stale from the earliest reading on
        await store_batch(conn, events, self.storage.timezone, self.storage.meters, touch=False)

    async def _record(
        self,
        uow: UnitOfWork,
        who: Caller,
        kind: str,
        source: str,
        digest: str,
        readings: list[Reading],
        new: list[tuple[Reading, Any]],
        unchanged: int,
        errors: list[RowError],
    ) -> Any:
        bad_lines = {e.line for e in errors}
        values = {
            "id": uuid.uuid4(),
            "kind": kind,
            "source": source,
            "imported_by": who.principal.subject,
            "content_sha256": digest,
            "rows_total": len({r.line for r in readings} | bad_lines),
            "rows_new": len(new),
            "rows_unchanged": unchanged,
            "rows_bad": len(bad_lines),
            "errors": [e.as_dict() for e in errors[:KEPT_ERRORS]],
        }
        row = (
            await uow.session.execute(
                utility_imports.insert().values(**values).returning(utility_imports)
            )
        ).one()
        communities = sorted({m.community_id for _, m in new})
        await uow.audit(
            who,
            "energy.utility_import",
            "utility_import",
            str(row.id),
            community_id=communities[0] if len(communities) == 1 else None,
            detail={
                "kind": kind,
                "source": source,
                "content_sha256": digest,
                "rows_new": str(row.rows_new),
                "rows_unchanged": str(row.rows_unchanged),
                "rows_bad": str(row.rows_bad),
                "communities": ",".join(communities[:50]),
            },
        )
        return row

    async def list(self, who: Caller, paging: PageParams) -> tuple[Any, int]:
        """The imports the caller made (every import for platform admins and auditors),
        newest first."""
        c = utility_imports.c
        query = select(utility_imports)
        if not who.principal.has_role(*RECORD_READERS):
            query = query.where(c.imported_by == who.principal.subject)
        query = query.order_by(c.created_at.desc(), c.id.desc())
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging, rows=True)


_ABSENT = object()


def _counter(spec: DeviceType | None) -> str:
    assert spec is not None and spec.counter is not None  # meter types have one
    return spec.counter


def _window(r: Reading, earliest: datetime, latest: datetime, days: int) -> RowError | None:
    if r.read_at > latest:
        return RowError(r.line, "抄表时间", "抄表时间在将来", "The reading time is in the future")
    if r.read_at < earliest:
        return RowError(
            r.line,
            "抄表时间",
            f"抄表时间早于 {days} 天前，不再接收",
            f"The reading time is more than {days} days ago",
        )
    return None


async def _meters(uow: UnitOfWork, types: list[str], numbers: set[str]) -> dict[str, Any]:
    """The registered meters of these types by meter number."""
    if not numbers or not types:
        return {}
    d = devices.c
    query = select(
        d.id, d.device_type, d.meter_no, d.community_id, d.building_id, d.unit_id, d.household_id
    ).where(d.device_type.in_(types), d.meter_no.in_(sorted(numbers)))
    return {row.meter_no: row for row in await uow.session.execute(query)}
