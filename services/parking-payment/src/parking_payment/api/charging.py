"""EV charging from the app: start and stop a charger, follow one's charges live; e-bike
piles by their QR code."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from parking_payment.api.deps import ChargingDep, usecases
from parking_payment.usecases.my_charges import my_charges
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/charging", tags=["charging"])


# the OCPP identity (charging_points.id), the transaction's id (a PostgreSQL bigint) and
# device-ingestion's device id, as the columns hold them: anything else names nothing
ChargePoint = Annotated[str, Path(min_length=1, max_length=48)]
TransactionId = Annotated[int, Path(ge=1, le=2**63 - 1)]
DeviceId = Annotated[str, Path(min_length=1, max_length=64)]


class StartCharging(BaseModel):
    connector: int | None = Field(default=None, ge=1, le=8)


class Started(BaseModel):
    id_tag: str
    text: str


class EbikeStart(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)


@router.post(
    "/charge-points/{charge_point}/start", response_model=Started, summary="Start charging"
)
async def start(
    charge_point: ChargePoint, body: StartCharging, who: CurrentCaller, charging: ChargingDep
) -> Started:
    id_tag = await charging.remote_start(who, charge_point, body.connector)
    return Started(id_tag=id_tag, text="充电桩已接受启动指令，请确认充电枪已插好")


@router.post("/transactions/{transaction_id}/stop", status_code=204, summary="Stop charging")
async def stop(transaction_id: TransactionId, who: CurrentCaller, charging: ChargingDep) -> None:
    await charging.remote_stop(who, transaction_id)


@router.post("/ebike-piles/{device_id}/start", status_code=202, summary="Start an e-bike pile (QR)")
async def ebike_start(
    device_id: DeviceId, body: EbikeStart, who: CurrentCaller, request: Request
) -> None:
    await usecases(request).ebikes.start_by_qr(who, device_id, body.community_id)


class EvChargeRead(BaseModel):
    """One of the caller's EV charges: while charging, the energy and the cost so far."""

    id: int = Field(description="the transaction's id (stop it, pay it: purpose ev_charging)")
    charge_point_id: str
    charge_point_name: str
    connector: int
    status: str = Field(description="charging | finished | refused")
    energy_wh: int
    amount: int = Field(description="fen: the bill once finished, the cost so far while charging")
    energy_price: int = Field(description="fen per kWh")
    service_fee: int = Field(description="fen per kWh")
    started_at: datetime
    stopped_at: datetime | None
    paid: bool
    payable: bool


@router.get("/my-charges", response_model=Page[EvChargeRead], summary="My EV charges")
async def list_my_charges(
    who: CurrentCaller, charging: ChargingDep, paging: Paging
) -> Page[EvChargeRead]:
    """The charges the caller started (newest first): the live one with its energy and cost
    so far, the finished ones with their bill and whether it is paid."""
    items, total = await my_charges(charging.uow, who, paging)
    return Page[EvChargeRead].of([EvChargeRead(**asdict(c)) for c in items], total, paging)
