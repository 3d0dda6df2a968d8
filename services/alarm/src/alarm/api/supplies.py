"""Emergency supplies with their stock and movements (6.1.4 e): what is in stock and where
is for everyone in the community; stock moves only by recorded movements."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from alarm.api.deps import EMERGENCY_WRITERS, EmergencyWriter, ProvisionsDep, Staff
from alarm.api.editing import editable
from alarm.api.emergency import MovementBody, SupplyBody, SupplyFields, SupplyRead
from alarm.api.filters import CategoryFilter, IdFilter
from alarm.db.emergency import Supply
from alarm.usecases.provisions import WRITER
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(tags=["emergency"])


@router.post("/api/v1/supplies", status_code=201, response_model=SupplyRead)
async def add_supply(
    body: SupplyBody, who: EmergencyWriter, provisions: ProvisionsDep
) -> SupplyRead:
    return SupplyRead.model_validate(await provisions.add_supply(who, body))


@router.get("/api/v1/supplies", response_model=Page[SupplyRead])
async def list_supplies(
    who: CurrentCaller,
    provisions: ProvisionsDep,
    paging: Paging,
    community_id: IdFilter = None,
    category: CategoryFilter = None,
) -> Page[SupplyRead]:
    """What is in stock and where: residents see it too (6.1.4 e)."""
    items, total = await provisions.supplies(who, community_id, category, paging)
    return Page[SupplyRead].of([SupplyRead.model_validate(s) for s in items], total, paging)


@router.post("/api/v1/supplies/{supply_id}/movements", status_code=201, response_model=SupplyRead)
async def move_stock(
    supply_id: uuid.UUID, body: MovementBody, who: EmergencyWriter, provisions: ProvisionsDep
) -> SupplyRead:
    return SupplyRead.model_validate(await provisions.move_stock(who, supply_id, body))


@router.get("/api/v1/supplies/{supply_id}/movements")
async def movements(
    supply_id: uuid.UUID, who: Staff, provisions: ProvisionsDep, paging: Paging
) -> Page[dict[str, Any]]:
    items, total = await provisions.movements(who, supply_id, paging)
    rows = [
        {"delta": m.delta, "reason": m.reason, "actor_id": m.actor_id, "at": m.created_at}
        for m in items
    ]
    return Page[dict[str, Any]].of(rows, total, paging)


# stock moves only by movements (each one recorded), never by an edit
editable(
    router,
    "/api/v1/supplies",
    model=Supply,
    body=SupplyFields,
    read=lambda obj, _p: SupplyRead.model_validate(obj),
    response_model=SupplyRead,
    kind="supply",
    writers=EMERGENCY_WRITERS,
    check=WRITER,
    fixed=("quantity",),
)
