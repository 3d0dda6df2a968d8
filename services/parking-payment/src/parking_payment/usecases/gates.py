"""Gates (道闸): one plate read → a decision, carried out in one unit of work.

The camera's read is looked up against the gate's lot, the plate's watch-list entry,
its vehicle pass and visitor passes, and its open session; ``domain.gate.decide`` says
pass, pay or refuse; then, in the same transaction, the passage is stored, the session
opened or closed, the lot's count moved, and the events go to the outbox: the decision
(``parking.passages.v1``), a closed session (``parking.sessions.v1``), ``open_door`` for
device-ingestion (``device.commands.v1``) when the barrier lifts, and a notification to
the property when a watched plate passes. Gate, lot and tariff are cached for
``CONFIG_TTL`` (they rarely change; this is the hot path).
"""

from __future__ import annotations

import hmac
import secrets
import time as monotonic
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from parking_payment.adapters.anpr import AnprRead
from parking_payment.adapters.barrier import open_barrier
from parking_payment.adapters.photos import PhotoRefused, PhotoStore
from parking_payment.db.models import DIRECTORY
from parking_payment.db.parking import (
    GateRow,
    LotRow,
    PassageRow,
    SessionRow,
    TariffRow,
    VehicleRow,
    VisitorPassRow,
)
from parking_payment.db.plate_facts import load_plate_facts
from parking_payment.domain.errors import DomainError
from parking_payment.domain.gate import (
    Action,
    Decision,
    Direction,
    GateContext,
    LotState,
    PlateRead,
    WatchEntry,
    WatchReason,
    decide,
)
from parking_payment.domain.sessions import ParkingSession, PassKind, SessionStatus
from parking_payment.domain.tariffs import Coverage, Tariff, tariff_from_rules
from parking_payment.usecases.alerts import watch_alert
from parking_payment.usecases.ports import Uow, UowFactory, Who
from parking_payment.usecases.problems import not_found
from sc_contracts.events.parking import (
    GateAction,
    GateDirection,
    ParkingPassageDecidedV1,
    ParkingSessionClosedV1,
)
from sc_core.auth.scope import ensure_in_scope
from sc_core.errors import Problem
from sc_core.places import Places
from sc_core.privacy import get_cipher

CONFIG_TTL = 30.0
DESK_STAFF = ("property_staff", "property_manager", "community_admin")


@dataclass(frozen=True, slots=True)
class GateConfig:
    gate_id: uuid.UUID
    lot_id: uuid.UUID
    community_id: str
    direction: Direction
    barrier_device_id: str
    door_id: str | None
    zone: str | None
    name: str
    tariff: Tariff


@dataclass(frozen=True, slots=True)
class GateOutcome:
    passage_id: uuid.UUID
    decision: Decision
    session_id: uuid.UUID | None
    gate: GateConfig


class Gates:
    def __init__(
        self,
        uow: UowFactory,
        photos: PhotoStore | None = None,
        *,
        places: Places = DIRECTORY,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.uow = uow
        self.photos = photos
        self.places = places
        self.clock = clock
        self._config: dict[str, tuple[float, GateConfig]] = {}

    async def gate_for(self, uow: Uow, camera_id: str) -> GateConfig:
        cached = self._config.get(camera_id)
        if cached is not None and monotonic.monotonic() - cached[0] < CONFIG_TTL:
            return cached[1]
        config = await self._load(uow, GateRow.camera_id == camera_id)
        self._config[camera_id] = (monotonic.monotonic(), config)
        return config

    async def gate_by_id(self, uow: Uow, gate_id: uuid.UUID) -> GateConfig:
        return await self._load(uow, GateRow.id == gate_id)

    async def _load(self, uow: Uow, where: Any) -> GateConfig:
        found = (
            await uow.session.execute(
                select(GateRow, TariffRow.rules)
                .join(LotRow, LotRow.id == GateRow.lot_id)
                .join(TariffRow, TariffRow.id == LotRow.tariff_id)
                .where(where)
            )
        ).first()
        if found is None:
            raise not_found("parking.camera_unknown", "未登记的车牌识别相机", "unknown camera")
        gate, rules = found
        return GateConfig(
            gate.id,
            gate.lot_id,
            gate.community_id,
            Direction(gate.direction),
            gate.barrier_device_id,
            gate.door_id,
            gate.zone,
            gate.name,
            tariff_from_rules(rules),
        )

    async def handle_read(self, read: AnprRead) -> GateOutcome:
        keys: list[str] = []
        if self.photos is not None:
            for image in read.images[:3]:
                try:
                    keys.append(await self.photos.save(image.data, read.at))
                except PhotoRefused:
                    continue
        async with self.uow() as uow:
            gate = await self.gate_for(uow, read.camera)
            outcome = await self.decide_and_apply(
                uow,
                gate,
                read.plate,
                read.at,
                source=read.source,
                photos=keys,
                confidence=read.confidence,
                color=read.color.value if read.color else None,
            )
            await uow.commit()
        return outcome

    @staticmethod
    def qr_code(gate_id: uuid.UUID) -> str:
        """What the QR code printed at a gate carries besides the gate's id: a keyed digest,
        so a scan proves the driver read the code there (the id alone opens nothing)."""
        return get_cipher().blind_index(str(gate_id), "parking.gate_qr")[:32]

    async def scan(
        self, who: Who, gate_id: uuid.UUID, code: str, ticket: str | None
    ) -> tuple[GateOutcome, str]:
        """A car without a plate (无牌车) at a gate: its driver scans the QR code there.

        At an entry the stay opens on a new ticket (or the driver's own ticket scanned
        again goes on as before); at an exit the ticket finds the stay and the gate decides
        as for a plate: leave, or pay (then the barrier lifts once paid, as for plates).
        Returns the outcome and the ticket, which the app keeps until the car has left.
        """
        async with self.uow() as uow:
            try:
                gate = await self.gate_by_id(uow, gate_id)
            except Problem:  # no such gate: the same answer as a wrong code
                gate = None
            if gate is None or not hmac.compare_digest(code, self.qr_code(gate_id)):
                raise not_found(
                    "parking.gate_code_invalid", "无效的道闸二维码", "invalid gate QR code"
                )
            if gate.direction is Direction.entry:
                ticket = ticket or secrets.token_urlsafe(18)  # 24 characters
            elif ticket is None:
                raise DomainError(
                    "parking.ticket_required",
                    "请出示入场时扫码获得的停车凭证",
                    "show the ticket you got when you scanned in",
                )
            outcome = await self.decide_and_apply(
                uow, gate, None, self.clock(), source="qr", requested_by=who.subject, ticket=ticket
            )
            await uow.commit()
        return outcome, ticket

    async def decide_and_apply(
        self,
        uow: Uow,
        gate: GateConfig,
        plate: str | None,
        at: datetime,
        *,
        source: str,
        photos: list[str] | None = None,
        confidence: int | None = None,
        color: str | None = None,
        requested_by: str = "parking-payment",
        ticket: str | None = None,
    ) -> GateOutcome:
        """``ticket``: a plate-less car's stay (``plate`` is then None), see ``scan``."""
        s = uow.session
        index = get_cipher().blind_index(plate, "plate") if plate else None
        lot = (
            await s.execute(select(LotRow).where(LotRow.id == gate.lot_id).with_for_update())
        ).scalar_one()
        facts = await load_plate_facts(s, gate.community_id, gate.lot_id, index, at)
        watch, vehicle, visitor, session_row = (
            facts.watch,
            facts.vehicle,
            facts.visitor,
            facts.session,
        )
        if plate is None and ticket is not None:
            session_row = (
                await s.execute(
                    select(SessionRow)
                    .where(
                        SessionRow.lot_id == gate.lot_id,
                        SessionRow.ticket == ticket,
                        SessionRow.status == "open",
                    )
                    .with_for_update()
                )
            ).scalar_one_or_none()
        coverages, kind = coverages_of(vehicle, visitor)
        session = session_of(session_row) if session_row is not None else None
        ctx = GateContext(
            read=PlateRead(str(gate.gate_id), gate.direction, plate, at, ticket),
            lot=LotState(str(lot.id), lot.capacity, lot.occupied, lot.reserved),
            tariff=gate.tariff,
            watch=WatchEntry(plate or "", WatchReason(watch.reason), watch.block)
            if watch
            else None,
            coverages=tuple(coverages),
            pass_kind=kind,
            session=session,
        )
        decision = decide(ctx)
        passage_id = uuid.uuid4()
        session_id = session_row.id if session_row is not None else None
        if decision.supersede_session and session_row is not None:
            session_row.status = SessionStatus.superseded.value
            lot.occupied = max(0, lot.occupied - 1)
            if session_row.ticket is not None:  # the ticket goes on to the new stay
                session_row.ticket = None
                await s.flush()
        if decision.open_session:
            opened = SessionRow(
                id=uuid.uuid4(),
                community_id=gate.community_id,
                lot_id=gate.lot_id,
                plate=plate,
                plate_index=index,
                ticket=ticket if plate is None else None,
                kind=decision.reason.removeprefix("entry_"),  # entry_monthly -> monthly
                status="open",
                entry_at=at,
                entry_gate=gate.gate_id,
                paid=0,
                last_zone=gate.zone,
                last_seen_at=at,
            )
            s.add(opened)
            session_id = opened.id
            lot.occupied += 1
        if decision.close_session and session_row is not None and session is not None:
            session.close(at, str(gate.gate_id), decision.fee)
            session_row.status = "closed"
            session_row.exit_at = at
            session_row.exit_gate = gate.gate_id
            session_row.fee = decision.fee
            lot.occupied = max(0, lot.occupied - 1)
            await uow.publish(_closed_event(session_row, gate, session), key=str(session_row.id))
        elif session_row is not None:
            session_row.last_seen_at = at
            session_row.last_zone = gate.zone or session_row.last_zone
        s.add(
            PassageRow(
                id=passage_id,
                community_id=gate.community_id,
                lot_id=gate.lot_id,
                gate_id=gate.gate_id,
                direction=gate.direction.value,
                plate=plate,
                plate_index=index,
                color=color,
                confidence=confidence,
                at=at,
                action=decision.action.value,
                reason=decision.reason,
                due=decision.due,
                session_id=session_id,
                photos=photos or [],
                source=source,
            )
        )
        await uow.publish(
            ParkingPassageDecidedV1(
                passage_id=str(passage_id),
                community_id=gate.community_id,
                lot_id=str(gate.lot_id),
                gate_id=str(gate.gate_id),
                direction=GateDirection(gate.direction.value),
                plate=plate,
                action=GateAction(decision.action.value),
                reason=decision.reason,
                due_fen=decision.due,
                session_id=str(session_id) if session_id else None,
                watch_reason=watch.reason if watch else None,
                at=at,
            ),
            key=str(gate.lot_id),
        )
        if decision.action is Action.open:
            await uow.publish(
                open_barrier(
                    device_id=gate.barrier_device_id,
                    door_id=gate.door_id,
                    decision_id=str(passage_id),
                    community_id=gate.community_id,
                    requested_by=requested_by,
                    now=self.clock(),
                ),
                key=gate.barrier_device_id,
            )
        if watch is not None:
            await uow.publish(
                watch_alert(gate, plate or "", WatchReason(watch.reason), decision, passage_id),
                key=str(passage_id),
            )
        return GateOutcome(passage_id, decision, session_id, gate)

    async def lots_availability(self, who: Who, community_id: str) -> list[LotRow]:
        """Free spaces per car park: shared with the community's residents."""
        async with self.uow() as uow:
            await self.places.ensure_readable(uow, who.principal, community_id=community_id)
            rows = (
                await uow.session.execute(
                    select(LotRow).where(LotRow.community_id == community_id).order_by(LotRow.name)
                )
            ).scalars()
            return list(rows)

    async def passage_photo(self, who: Who, passage_id: uuid.UUID, n: int) -> tuple[bytes, str]:
        """A passage's ``n``-th photo (过车照片) and its media type, to the parking staff of
        its community (the gate desk)."""
        async with self.uow() as uow:
            row = await uow.session.get(PassageRow, passage_id)
            if row is None or self.photos is None or not 0 <= n < len(row.photos or []):
                raise not_found("parking.photo_not_found", "找不到该照片", "no such photo")
            ensure_in_scope(who.principal, community_id=row.community_id, roles=DESK_STAFF)
            key = row.photos[n]
        try:
            data = await self.photos.load(key)
        except (OSError, PhotoRefused):
            raise not_found("parking.photo_not_found", "找不到该照片", "no such photo") from None
        return data, "image/png" if key.endswith(".png") else "image/jpeg"

    async def adjust_occupancy(self, lot_id: uuid.UUID, occupied: int) -> None:
        """Counting sensors (车位检测) or the desk set the true count."""
        async with self.uow() as uow:
            await uow.session.execute(
                update(LotRow).where(LotRow.id == lot_id).values(occupied=max(0, occupied))
            )
            await uow.commit()


def coverages_of(
    vehicle: VehicleRow | None, visitor: list[VisitorPassRow]
) -> tuple[list[Coverage], PassKind]:
    coverages: list[Coverage] = []
    kind = PassKind.temporary
    holder = vehicle is not None and vehicle.pass_kind != PassKind.temporary.value
    if holder and vehicle is not None and vehicle.pass_valid_from is not None:
        coverages.append(
            Coverage(vehicle.pass_valid_from, vehicle.pass_valid_until, vehicle.pass_kind)
        )
        kind = PassKind(vehicle.pass_kind)
    for p in visitor:
        coverages.append(Coverage(p.valid_from, p.valid_until, "visitor"))
        if kind is PassKind.temporary:
            kind = PassKind.visitor
    return coverages, kind


def session_of(row: SessionRow) -> ParkingSession:
    return ParkingSession(
        lot_id=str(row.lot_id),
        plate=row.plate,
        entry_at=row.entry_at,
        entry_gate=str(row.entry_gate) if row.entry_gate else None,
        kind=PassKind(row.kind),
        id=row.id,
        status=SessionStatus(row.status),
        paid=row.paid,
        last_paid_at=row.last_paid_at,
        ticket=row.ticket,
    )


def _closed_event(
    row: SessionRow, gate: GateConfig, session: ParkingSession
) -> ParkingSessionClosedV1:
    return ParkingSessionClosedV1(
        session_id=str(row.id),
        community_id=gate.community_id,
        lot_id=str(gate.lot_id),
        plate=row.plate,
        kind=row.kind,
        entry_at=row.entry_at,
        exit_at=row.exit_at or row.entry_at,
        minutes=session.minutes or 0,
        fee_fen=row.fee or 0,
        paid_fen=row.paid,
    )
