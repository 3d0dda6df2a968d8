"""Property bills: generate a month (property), my bills (residents), collection rate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from parking_payment.api import views
from parking_payment.api.deps import BillsDep, Manager, SettingsDep, Staff
from parking_payment.api.schemas import BillRead, CollectionRead
from parking_payment.db.fees import BillRow, FeeItemRow, FeeRoomRow
from sc_core.api import Page, Paging, fetch_page
from sc_core.auth import CurrentCaller
from sc_core.auth.scope import scope_clause
from sc_core.schema import Day

router = APIRouter(prefix="/api/v1/property-bills", tags=["property fees and bills"])
Period = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class Generate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])
    due: Day


class Generated(BaseModel):
    bills: int
    text: str


@router.post("/generate", response_model=Generated, summary="Bills of a month")
async def generate(body: Generate, who: Manager, bills: BillsDep) -> Generated:
    made = await bills.generate(who, body.community_id, body.period, body.due)
    return Generated(bills=made, text=f"已生成 {made} 份账单")


@router.get("", response_model=Page[BillRead], summary="Bills in my scope")
async def list_bills(
    who: CurrentCaller,
    bills: BillsDep,
    settings: SettingsDep,
    paging: Paging,
    period: Period | None = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
) -> Page[BillRead]:
    today = datetime.now(UTC).astimezone(views.CN).date()
    async with bills.uow() as uow:
        query = select(BillRow).where(
            scope_clause(
                who.principal,
                community_col=BillRow.community_id,
                building_col=BillRow.building_id,
                household_col=BillRow.household_id,
            )
        )
        if period:
            query = query.where(BillRow.period == period)
        if status:
            query = query.where(BillRow.status == status)
        # the id breaks ties (two communities' 3号楼2单元502室 in one month): a total
        # order, so an offset page neither repeats nor skips a bill, and a cursor is offered
        order = (BillRow.period.desc(), BillRow.room_label, BillRow.id)
        rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
        items = [views.bill_read(r, today, settings.late_fee_rate_per_day) for r in rows]
    return Page[BillRead].of(items, total, paging)


@router.get("/collection", response_model=CollectionRead, summary="Collection rate (收缴率)")
async def collection(
    who: Staff,
    bills: BillsDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    period: Period,
) -> CollectionRead:
    return views.collection_read(
        community_id, period, await bills.collection(who, community_id, period)
    )


@router.get("/{bill_id}", response_model=BillRead, summary="One bill")
async def get_bill(
    bill_id: uuid.UUID, who: CurrentCaller, bills: BillsDep, settings: SettingsDep
) -> BillRead:
    from parking_payment.usecases.problems import not_found
    from sc_core.auth.scope import ensure_in_scope

    async with bills.uow() as uow:
        row = await uow.session.get(BillRow, bill_id)
        if row is None:
            raise not_found("payment.bill_not_found", "找不到该账单", "no such bill")
        ensure_in_scope(who.principal, community_id=row.community_id, household_id=row.household_id)
        today = datetime.now(UTC).astimezone(views.CN).date()
        return views.bill_read(row, today, settings.late_fee_rate_per_day)


RoomId = Annotated[str, Path(min_length=1, max_length=64)]
# One price tier {"up_to": "10", "price": "350"} (checked as numbers in the use case)
Tier = Annotated[
    dict[
        Annotated[str, Field(max_length=16)],
        Annotated[str, Field(max_length=32)] | None,
    ],
    Field(max_length=4),
]


class FeeItemWrite(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=40)
    kind: str = Field(pattern="^(area|fixed|metered)$", examples=["area"])
    unit_price: Decimal = Field(default=Decimal(0), ge=0, le=10_000_000, description="fen per unit")
    amount: int = Field(default=0, ge=0, le=100_000_000, description="fen per month (fixed)")
    meter: str | None = Field(default=None, pattern="^(water|electricity|gas)$", examples=["water"])
    tiers: list[Tier] = Field(default_factory=list, max_length=8)


class FeeItemRead(FeeItemWrite):
    id: uuid.UUID


class FeeRoomWrite(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    building_id: str | None = Field(default=None, max_length=64)
    unit_id: str | None = Field(default=None, max_length=64)
    household_id: str | None = Field(default=None, max_length=64)
    label: str = Field(min_length=1, max_length=120, description="幸福里社区 1号楼 1单元 101室")
    area_m2: Decimal = Field(gt=0, le=100_000)


@router.post("/fee-items", status_code=201, response_model=FeeItemRead, summary="A fee item")
async def create_fee_item(body: FeeItemWrite, who: Manager, bills: BillsDep) -> FeeItemRead:
    from parking_payment.usecases.bills import fee_item
    from sc_core.auth.scope import ensure_in_scope

    ensure_in_scope(who.principal, community_id=body.community_id)
    row = FeeItemRow(id=uuid.uuid4(), **body.model_dump())
    fee_item(row)  # refuses what is not a fee item (DomainError -> problem+json)
    async with bills.uow() as uow:
        uow.session.add(row)
        await uow.audit(
            who, "fee_item.create", "fee_item", str(row.id), community_id=body.community_id
        )
        await uow.commit()
    return FeeItemRead(id=row.id, **body.model_dump())


@router.put("/rooms/{room_id}", status_code=204, summary="A room's billable area")
async def put_room(room_id: RoomId, body: FeeRoomWrite, who: Manager, bills: BillsDep) -> None:
    from sqlalchemy.dialects.postgresql import insert

    from sc_core.auth.scope import ensure_in_scope

    ensure_in_scope(who.principal, community_id=body.community_id)
    values = {"room_id": room_id, **body.model_dump()}
    async with bills.uow() as uow:
        await uow.session.execute(
            insert(FeeRoomRow)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["room_id"], set_={k: v for k, v in values.items() if k != "room_id"}
            )
        )
        await uow.audit(who, "fee_room.put", "room", room_id, community_id=body.community_id)
        await uow.commit()
