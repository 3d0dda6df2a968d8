"""Registering a charge point (充电桩) of a community: its OCPP identity, its name as
residents read it, its tariff (energy price and service fee per kWh, in fen) and, when the
pile authenticates with HTTP Basic (OCPP security profile 1), its password. Only a
registered charge point may connect to the central system. Idempotent by its identity:
the same PUT again changes what it says, never makes a second pile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from parking_payment.api.deps import ChargingDep, Manager
from parking_payment.db.charging import ChargePointRow
from parking_payment.usecases.charging import hash_password
from sc_core.auth.scope import ensure_in_scope
from sc_core.errors import Problem

router = APIRouter(prefix="/api/v1/charging", tags=["charging"])

# the OCPP identity as the charger sends it in its URL (a printable token, no slash)
ChargePointId = Annotated[str, Path(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9._-]+$")]


class ChargePointWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")
    energy_price: int = Field(ge=0, le=10_000, description="fen per kWh")
    service_fee: int = Field(ge=0, le=10_000, description="fen per kWh")
    password: str | None = Field(
        default=None, min_length=8, max_length=64, description="HTTP Basic, stored hashed"
    )


class ChargePointRead(BaseModel):
    id: str
    community_id: str
    name: str
    energy_price: int
    service_fee: int
    has_password: bool
    online: bool = Field(description="connected to the central system now")


@router.put(
    "/charge-points/{charge_point}", response_model=ChargePointRead, summary="Register a charger"
)
async def register(
    charge_point: ChargePointId, body: ChargePointWrite, who: Manager, charging: ChargingDep
) -> ChargePointRead:
    ensure_in_scope(who.principal, community_id=body.community_id)
    async with charging.uow() as uow:
        row = await uow.session.get(ChargePointRow, charge_point, with_for_update=True)
        if row is None:
            row = ChargePointRow(id=charge_point, community_id=body.community_id)
            uow.session.add(row)
        elif row.community_id != body.community_id:
            raise Problem(
                409,
                "parking.charger_elsewhere",
                "The charger is registered in another community",
                zh="该桩号已登记在其他社区",
            )
        row.name, row.energy_price, row.service_fee = body.name, body.energy_price, body.service_fee
        if body.password is not None:
            row.password_hash = hash_password(body.password)
        await uow.audit(
            who, "charging.register", "charge_point", charge_point, community_id=body.community_id
        )
        await uow.commit()
        return ChargePointRead(
            id=row.id,
            community_id=row.community_id,
            name=row.name,
            energy_price=row.energy_price,
            service_fee=row.service_fee,
            has_password=row.password_hash is not None,
            online=charge_point in charging.central.connected,
        )
