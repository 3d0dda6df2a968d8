"""The caller's own EV charges (我的充电), for the residents' app: the one charging now with
its energy and cost so far (from the charger's latest meter value and the pile's tariff),
the finished ones with their bill and whether it is paid, newest first. Only the charges
started with the caller's own tag are listed, whoever calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from parking_payment.db.charging import ChargePointRow, ChargingTransactionRow
from parking_payment.domain.charging import EvTariff, ev_bill
from parking_payment.usecases.ports import UowFactory, Who
from sc_core.paging import PageParams, PageTotal, fetch_page


@dataclass(frozen=True, slots=True)
class MyCharge:
    id: int
    charge_point_id: str
    charge_point_name: str
    connector: int
    status: str  # charging | finished | refused
    energy_wh: int  # so far while charging
    amount: int  # fen: the bill once finished, what it comes to so far while charging
    energy_price: int  # fen per kWh
    service_fee: int  # fen per kWh
    started_at: datetime
    stopped_at: datetime | None
    paid: bool
    payable: bool


def _charge(row: ChargingTransactionRow, cp: ChargePointRow) -> MyCharge:
    meter = row.meter_stop if row.meter_stop is not None else row.meter_last
    energy = max(0, (meter or row.meter_start) - row.meter_start)
    amount = row.amount
    if amount is None:
        amount = ev_bill(EvTariff(cp.energy_price, cp.service_fee), energy).total
    return MyCharge(
        id=row.id,
        charge_point_id=cp.id,
        charge_point_name=cp.name,
        connector=row.connector,
        status=row.status,
        energy_wh=energy,
        amount=amount if row.status != "refused" else 0,
        energy_price=cp.energy_price,
        service_fee=cp.service_fee,
        started_at=row.started_at,
        stopped_at=row.stopped_at,
        paid=row.order_id is not None,
        payable=row.status == "finished" and bool(row.amount) and row.order_id is None,
    )


async def my_charges(
    uow_factory: UowFactory, who: Who, paging: PageParams
) -> tuple[list[MyCharge], PageTotal]:
    async with uow_factory() as uow:
        query = (
            select(ChargingTransactionRow)
            .where(ChargingTransactionRow.account == who.subject)
            .order_by(ChargingTransactionRow.started_at.desc(), ChargingTransactionRow.id.desc())
        )
        rows, total = await fetch_page(uow.session, query, paging)
        ids = {r.charge_point_id for r in rows}
        points = {
            cp.id: cp
            for cp in (
                await uow.session.execute(select(ChargePointRow).where(ChargePointRow.id.in_(ids)))
            ).scalars()
        }
        return [_charge(r, points[r.charge_point_id]) for r in rows], total
