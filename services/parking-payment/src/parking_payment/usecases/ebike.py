"""E-bike charging (电瓶车充电) from device-ingestion's ``ebike_charger`` telemetry.

Each charger's readings are folded into its current charge (``domain.ebike``): a charge
starts when the charger reports ``charging``, ends (with its bill by the highest power
band and the minutes) when it reports ``available``/``fault``; overcurrent,
over-temperature and faults alert the property once per charge. Scanning the QR code on
a pile starts it for the resident's account (``start_charging`` through device-ingestion's
command path); the next charge of that pile is theirs to pay.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from parking_payment.db.charging import EbikeChargeRow
from parking_payment.db.models import DIRECTORY
from parking_payment.domain.charging import EbikePayMethod, EbikeTariff
from parking_payment.domain.ebike import EbikeCharge, EbikeEvent, EbikeReading
from parking_payment.domain.errors import DomainError
from parking_payment.domain.money import describe_fen
from parking_payment.domain.payments import PaymentOrder
from parking_payment.usecases.ports import Quote, Uow, UowFactory, Who
from parking_payment.usecases.problems import not_found
from sc_contracts.events import DeviceCommandRequestedV1
from sc_contracts.events.notification import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_core.places import Places, say_both

_ALERT_ZH = {
    EbikeEvent.overcurrent: "充电过流",
    EbikeEvent.over_temperature: "充电过温",
    EbikeEvent.fault: "设备故障",
}
_ALERT_EN = {
    EbikeEvent.overcurrent: "over current",
    EbikeEvent.over_temperature: "over temperature",
    EbikeEvent.fault: "device fault",
}


def _reading(event: object) -> EbikeReading:
    values = getattr(event, "values", {})
    power = values.get("power")
    energy = values.get("energyDelivered")
    status = values.get("status")
    hot = values.get("overTemperature")
    return EbikeReading(
        at=event.ts,  # type: ignore[attr-defined]
        status=status if isinstance(status, str) else None,
        power_w=float(power)
        if isinstance(power, int | float) and not isinstance(power, bool)
        else None,
        energy_kwh=float(energy)
        if isinstance(energy, int | float) and not isinstance(energy, bool)
        else None,
        over_temperature=hot if isinstance(hot, bool) else None,
    )


class Ebikes:
    def __init__(
        self,
        uow: UowFactory,
        tariff: EbikeTariff,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        places: Places = DIRECTORY,
    ) -> None:
        self.uow = uow
        self.tariff = tariff
        self.clock = clock
        self.places = places

    async def record(self, uow: Uow, events: Iterable[object]) -> int:
        """Fold a batch of telemetry into the chargers' charges (in the caller's unit of
        work). Returns how many readings were e-bike charger readings."""
        mine = [e for e in events if getattr(e, "device_type", "") == "ebike_charger"]
        mine.sort(key=lambda e: e.ts)  # type: ignore[attr-defined]
        for event in mine:
            await self._observe(uow, event)
        return len(mine)

    async def _observe(self, uow: Uow, event: object) -> None:
        device = str(event.device_id)  # type: ignore[attr-defined]
        community = str(event.community_id)  # type: ignore[attr-defined]
        row = (
            await uow.session.execute(
                select(EbikeChargeRow)
                .where(EbikeChargeRow.device_id == device)
                .order_by(EbikeChargeRow.started_at.desc())
                .limit(1)
                .with_for_update()
            )
        ).scalar_one_or_none()
        reading = _reading(event)
        if row is not None and reading.at <= row.last_at:
            return  # old or repeated
        charge = EbikeCharge(device)
        if row is not None and row.charging:
            charge.charging, charge.started_at = True, row.started_at
            charge.max_power_w, charge.last_at = float(row.max_power_w), row.last_at
            charge.alarms = {EbikeEvent(a) for a in row.alarms.split(",") if a}
        events = charge.observe(reading, self.tariff)
        for kind in events:
            await self._alert(uow, event, kind, reading.at)
        if EbikeEvent.started in events:
            pending = row is not None and not row.charging and row.ended_at is None
            if not pending or row is None:
                row = EbikeChargeRow(
                    id=uuid.uuid4(),
                    device_id=device,
                    community_id=community,
                    method=EbikePayMethod.card.value,
                    account=None,
                    started_at=reading.at,
                    last_at=reading.at,
                    charging=True,
                )
                uow.session.add(row)
            row.started_at, row.charging = reading.at, True
        elif row is None or not row.charging:
            if row is not None:
                row.last_at = reading.at  # an idle reading: only its time, for ordering
            return
        row.last_at = reading.at
        row.max_power_w = int(charge.max_power_w)
        row.alarms = ",".join(sorted(a.value for a in charge.alarms))
        if EbikeEvent.finished in events:
            row.charging, row.ended_at, row.amount = False, charge.ended_at, charge.bill

    async def _alert(self, uow: Uow, event: object, kind: EbikeEvent, at: datetime) -> None:
        """The property told once per charge; the pile named by where it stands, as people
        say it (幸福里社区 3号楼), never by its device id."""
        if kind not in _ALERT_ZH:
            return
        device = str(event.device_id)  # type: ignore[attr-defined]
        community = str(event.community_id)  # type: ignore[attr-defined]
        name = await self.places.name_of(
            uow,
            community_id=community,
            building_id=getattr(event, "building_id", None),
            unit_id=getattr(event, "unit_id", None),
            room_id=getattr(event, "room_id", None),
        )
        where, where_en = say_both(name) if name is not None else ("", "")
        pile = f"（{where}）" if where else ""
        pile_en = f" at {where_en}" if where_en else ""
        await uow.publish(
            NotificationRequestedV1(
                request_id=f"ebike-{kind.value}-{device}-{int(at.timestamp())}",
                recipients=Recipients(
                    roles_in_scope=[
                        RoleInScope(
                            role="property_staff", scope_type="community", scope_id=community
                        )
                    ]
                ),
                template="charging.ebike_alarm",
                variables={
                    "title": f"电瓶车充电告警：{_ALERT_ZH[kind]}",
                    "body": f"电瓶车充电桩{pile}{_ALERT_ZH[kind]}，已停止充电，请立即查看。",
                    "title_en": f"E-bike charging alarm: {_ALERT_EN[kind]}",
                    "body_en": f"An e-bike charging pile{pile_en} reports {_ALERT_EN[kind]}; "
                    "charging has stopped. Please check it now.",
                },
                severity=NotificationSeverity.URGENT,
                channels=[
                    NotificationChannel.INAPP,
                    NotificationChannel.PUSH,
                    NotificationChannel.SMS,
                ],
                source_service="parking-payment",
                community_id=community,
                correlation_id=device,
            ),
            key=device,
        )
        if kind is EbikeEvent.overcurrent:
            await uow.publish(
                DeviceCommandRequestedV1(
                    command_id=f"ebike-stop-{device}-{int(at.timestamp())}",
                    device_id=device,
                    command="stop_charging",
                    params={},
                    community_id=community,
                    requested_by="parking-payment",
                    requested_by_service="parking-payment",
                    requested_at=self.clock(),
                    expires_at=self.clock() + timedelta(seconds=30),
                ),
                key=device,
            )

    async def start_by_qr(self, who: Who, device_id: str, community_id: str) -> None:
        """The resident scanned the pile's QR code: the pile starts for their account."""
        async with self.uow() as uow:
            uow.session.add(
                EbikeChargeRow(
                    id=uuid.uuid4(),
                    device_id=device_id,
                    community_id=community_id,
                    method=EbikePayMethod.qr.value,
                    account=who.subject,
                    started_at=self.clock(),
                    last_at=self.clock(),
                    charging=False,
                )
            )
            now = self.clock()
            await uow.publish(
                DeviceCommandRequestedV1(
                    command_id=f"ebike-start-{uuid.uuid4()}",
                    device_id=device_id,
                    command="start_charging",
                    params={"account": who.subject},
                    community_id=community_id,
                    requested_by=who.subject,
                    requested_by_service="parking-payment",
                    requested_at=now,
                    expires_at=now + timedelta(seconds=30),
                ),
                key=device_id,
            )
            await uow.audit(
                who, "ebike.start", "ebike_charger", device_id, community_id=community_id
            )
            await uow.commit()

    # a QR-started charge is a payment target (Purpose.ebike_charging) --------------------
    async def quote(self, uow: Uow, who: Who, target_id: str, now: datetime) -> Quote:
        """What the resident who started the charge by QR owes for it, once it ended."""
        row = await self._charge(uow, target_id, lock=False)
        if row.account != who.subject:
            raise not_found("parking.charge_not_found", "找不到该充电记录", "no such charge")
        if row.charging or not row.amount or row.order_id is not None:
            raise DomainError("parking.charge_not_payable", "该充电记录无需缴费", "nothing to pay")
        return Quote(row.amount, f"电瓶车充电费 {describe_fen(row.amount)}", row.community_id, None)

    async def paid(self, uow: Uow, order: PaymentOrder) -> bool:
        row = await self._charge(uow, order.target_id, lock=True)
        if row.order_id is not None:
            return False
        row.order_id = order.id
        return True

    async def _charge(self, uow: Uow, target_id: str, *, lock: bool) -> EbikeChargeRow:
        try:
            charge_id = uuid.UUID(target_id)
        except ValueError:
            raise not_found(
                "parking.charge_not_found", "找不到该充电记录", "no such charge"
            ) from None
        row = await uow.session.get(EbikeChargeRow, charge_id, with_for_update=lock)
        if row is None:
            raise not_found("parking.charge_not_found", "找不到该充电记录", "no such charge")
        return row
