"""Car parks: free spaces, my stays and what is due, finding my car; tariffs and gates
for the property (the gate desk's view of the barriers)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from parking_payment.api import views
from parking_payment.api.deps import GatesDep, Manager, ParkingDep, VehiclesDep
from parking_payment.api.schemas import LotRead, TariffRead, TariffRules
from parking_payment.db.parking import GateRow, LotRow, TariffRow
from parking_payment.domain.money import describe_fen, fen_to_yuan
from parking_payment.domain.tariffs import tariff_from_rules
from sc_core.auth import CurrentCaller
from sc_core.auth.scope import ensure_in_scope
from sc_core.errors import Problem, reader_locale

router = APIRouter(prefix="/api/v1/parking", tags=["parking: lots and gates"])


class FoundCarRead(BaseModel):
    session_id: uuid.UUID
    plate: str
    lot_name: str
    zone: str | None
    entered_at: datetime
    text: str  # 京A12345 停在 地下车库 B2 区，09:00 入场


class TariffWrite(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=60)
    rules: TariffRules


class GateCreate(BaseModel):
    lot_id: uuid.UUID
    name: str = Field(min_length=1, max_length=60)
    direction: str = Field(pattern="^(entry|exit)$", examples=["entry"])
    camera_id: str = Field(min_length=1, max_length=64)
    barrier_device_id: str = Field(min_length=1, max_length=64)
    door_id: str | None = Field(default=None, max_length=64)
    zone: str | None = Field(default=None, max_length=60)


class GateCreated(BaseModel):
    id: uuid.UUID
    camera_token: str  # shown once: the camera pushes to /api/v1/parking/anpr/{token}/...
    qr_code: str = Field(
        description="printed at the gate with its id, for cars without a plate (无牌车扫码): "
        "the app sends it to POST /api/v1/parking/gates/{id}/scan"
    )


@router.get("/lots", response_model=list[LotRead], summary="Free spaces per car park")
async def lots(
    who: CurrentCaller,
    gates: GatesDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> list[LotRead]:
    return [views.lot_read(r) for r in await gates.lots_availability(who, community_id)]


@router.get("/my-car", response_model=list[FoundCarRead], summary="Where is my car")
async def find_my_car(who: CurrentCaller, vehicles: VehiclesDep) -> list[FoundCarRead]:
    found = await vehicles.find_my_car(who)
    return [
        FoundCarRead(
            session_id=f.session_id,
            plate=f.plate,
            lot_name=f.lot_name,
            zone=f.zone,
            entered_at=f.entered_at,
            text=f"{f.plate} 停在 {f.lot_name}{(' ' + f.zone) if f.zone else ''}，"
            f"{f.entered_at.astimezone(views.CN):%m月%d日 %H:%M} 入场",
        )
        for f in found
    ]


@router.post("/tariffs", status_code=201, response_model=TariffRead, summary="A tariff")
async def create_tariff(body: TariffWrite, who: Manager, gates: GatesDep) -> TariffRead:
    ensure_in_scope(who.principal, community_id=body.community_id)
    rules: dict[str, Any] = body.rules.model_dump()
    tariff_from_rules(rules)  # refuses what does not make a tariff
    async with gates.uow() as uow:
        row = TariffRow(
            id=uuid.uuid4(), community_id=body.community_id, name=body.name, rules=rules
        )
        uow.session.add(row)
        await uow.audit(who, "tariff.create", "tariff", str(row.id), community_id=body.community_id)
        await uow.commit()
        return views.tariff_read(row)


@router.put("/tariffs/{tariff_id}", response_model=TariffRead, summary="Change a tariff")
async def update_tariff(
    tariff_id: uuid.UUID, body: TariffWrite, who: Manager, gates: GatesDep
) -> TariffRead:
    from parking_payment.usecases.problems import not_found

    rules: dict[str, Any] = body.rules.model_dump()
    tariff_from_rules(rules)
    async with gates.uow() as uow:
        row = await uow.session.get(TariffRow, tariff_id, with_for_update=True)
        if row is None:
            raise not_found("parking.tariff_not_found", "找不到该收费标准", "no such tariff")
        ensure_in_scope(who.principal, community_id=row.community_id)
        row.name, row.rules, row.updated_at = body.name, rules, datetime.now(UTC)
        await uow.audit(who, "tariff.update", "tariff", str(row.id), community_id=row.community_id)
        await uow.commit()
        return views.tariff_read(row)


@router.get("/tariffs", response_model=list[TariffRead], summary="Tariffs of a community")
async def list_tariffs(
    who: CurrentCaller,
    gates: GatesDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> list[TariffRead]:
    async with gates.uow() as uow:
        # shared with the community's residents: what parking there costs
        await gates.places.ensure_readable(uow, who.principal, community_id=community_id)
        rows = (
            await uow.session.execute(
                select(TariffRow)
                .where(TariffRow.community_id == community_id)
                .order_by(TariffRow.name)
            )
        ).scalars()
        return [views.tariff_read(r) for r in rows]


@router.post("/gates", status_code=201, response_model=GateCreated, summary="A gate and its camera")
async def create_gate(body: GateCreate, who: Manager, gates: GatesDep) -> GateCreated:
    token = secrets.token_urlsafe(24)
    async with gates.uow() as uow:
        lot = await uow.session.get(LotRow, body.lot_id)
        if lot is None:
            from parking_payment.usecases.problems import not_found

            raise not_found("parking.lot_not_found", "找不到该停车场", "no such car park")
        ensure_in_scope(who.principal, community_id=lot.community_id)
        row = GateRow(
            id=uuid.uuid4(),
            lot_id=lot.id,
            community_id=lot.community_id,
            name=body.name,
            direction=body.direction,
            camera_id=body.camera_id,
            barrier_device_id=body.barrier_device_id,
            door_id=body.door_id,
            zone=body.zone,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
        )
        uow.session.add(row)
        await uow.audit(who, "gate.create", "gate", str(row.id), community_id=lot.community_id)
        await uow.commit()
        return GateCreated(id=row.id, camera_token=token, qr_code=gates.qr_code(row.id))


class ScanBody(BaseModel):
    code: str = Field(min_length=1, max_length=64, description="the gate's QR code")
    ticket: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        description="the ticket the entry's scan gave (required at an exit)",
    )


class ScanRead(BaseModel):
    action: str = Field(description="pass: the barrier lifts; pay: pay the stay, then it lifts")
    display: str = Field(description="what the gate's screen says, in the reader's language")
    ticket: str = Field(description="keep it until the car has left: the exit asks for it")
    session_id: uuid.UUID | None
    due: int = Field(description="fen to pay before leaving (0: nothing)")
    due_text: str | None = None


@router.post(
    "/gates/{gate_id}/scan",
    response_model=ScanRead,
    summary="A car without a plate scans the gate's QR code (无牌车扫码入场/出场)",
)
async def scan(
    gate_id: uuid.UUID, body: ScanBody, who: CurrentCaller, gates: GatesDep, request: Request
) -> ScanRead:
    outcome, ticket = await gates.scan(who, gate_id, body.code, body.ticket)
    d = outcome.decision
    english = reader_locale(request) == "en"
    due_text = None
    if d.due:
        due_text = f"{fen_to_yuan(d.due)} yuan" if english else describe_fen(d.due)
    return ScanRead(
        action=d.action.value,
        display=d.display_en if english else d.display,
        ticket=ticket,
        session_id=outcome.session_id,
        due=d.due,
        due_text=due_text,
    )


class DueRead(BaseModel):
    session_id: uuid.UUID
    amount: int
    amount_text: str
    description: str  # 停车费 京A12345 停车2小时10分钟


@router.get("/stays/{session_id}/due", response_model=DueRead, summary="What leaving now costs")
async def due(session_id: uuid.UUID, who: CurrentCaller, parking: ParkingDep) -> DueRead:
    async with parking.gates.uow() as uow:
        quote = await parking.quote(uow, who, str(session_id), datetime.now(UTC))
    return DueRead(
        session_id=session_id,
        amount=quote.amount,
        amount_text=describe_fen(quote.amount),
        description=quote.description,
    )


class LotCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=60)
    capacity: int = Field(ge=1, le=100_000)
    reserved: int = Field(default=0, ge=0, le=100_000)
    tariff_id: uuid.UUID


@router.post("/lots", status_code=201, response_model=LotRead, summary="A car park")
async def create_lot(body: LotCreate, who: Manager, gates: GatesDep) -> LotRead:
    ensure_in_scope(who.principal, community_id=body.community_id)
    async with gates.uow() as uow:
        tariff = await uow.session.get(TariffRow, body.tariff_id)
        if tariff is None or tariff.community_id != body.community_id:
            # a reference in the body, not the resource addressed: 422, never the database's
            # foreign-key error as a 500 (found by the merged OpenAPI fuzz)
            raise Problem(
                422,
                "parking.tariff_not_found",
                "该小区没有这个收费标准（no such tariff in this community）",
            )
        row = LotRow(id=uuid.uuid4(), occupied=0, **body.model_dump())
        uow.session.add(row)
        await uow.audit(who, "lot.create", "lot", str(row.id), community_id=body.community_id)
        await uow.commit()
        return views.lot_read(row)
