"""EV charging from the app: start and stop a charger; e-bike piles by their QR code."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from parking_payment.api.deps import ChargingDep, usecases
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/charging", tags=["charging"])


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
    charge_point: str, body: StartCharging, who: CurrentCaller, charging: ChargingDep
) -> Started:
    id_tag = await charging.remote_start(who, charge_point, body.connector)
    return Started(id_tag=id_tag, text="充电桩已接受启动指令，请确认充电枪已插好")


@router.post("/transactions/{transaction_id}/stop", status_code=204, summary="Stop charging")
async def stop(transaction_id: int, who: CurrentCaller, charging: ChargingDep) -> None:
    await charging.remote_stop(who, transaction_id)


@router.post("/ebike-piles/{device_id}/start", status_code=202, summary="Start an e-bike pile (QR)")
async def ebike_start(
    device_id: str, body: EbikeStart, who: CurrentCaller, request: Request
) -> None:
    await usecases(request).ebikes.start_by_qr(who, device_id, body.community_id)
