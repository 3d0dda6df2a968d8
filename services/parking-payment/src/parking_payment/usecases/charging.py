"""EV charging (充电桩): the OCPP central system's backend over the database, remote
start/stop from the app, the bill of a finished transaction as a payment target, and
connector faults alerted to the property.

A charge point connects only when registered (``charge_points``; a Basic-auth password,
when set, checked against its PBKDF2 hash). An id tag is accepted when it belongs to an
account (a registered card, or the tag the app creates for a remote start). Each
transaction's bill is energy × (energy price + service fee), computed at stop.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from parking_payment.adapters.ocpp.backend import ConnectorStatus, Started
from parking_payment.adapters.ocpp.central import CentralSystem, ChargerOffline
from parking_payment.db.charging import (
    ChargePointRow,
    ChargeTagRow,
    ChargingTransactionRow,
    ConnectorRow,
)
from parking_payment.domain.charging import EvTariff, ev_bill, fault_words, is_fault
from parking_payment.domain.errors import DomainError
from parking_payment.domain.money import describe_fen
from parking_payment.domain.payments import PaymentOrder
from parking_payment.usecases.ports import Quote, Uow, UowFactory, Who
from parking_payment.usecases.problems import not_found
from sc_contracts.events.notification import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_core.errors import Problem


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 200_000)
    return f"pbkdf2_sha256${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, _digest = stored.split("$")
    except ValueError:
        return False
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt)), stored)


class ChargingBackendDb:
    """``adapters.ocpp.backend.ChargingBackend`` over the database."""

    def __init__(self, uow: UowFactory, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.uow = uow
        self.clock = clock

    async def knows(self, charge_point: str, password: str | None) -> bool:
        async with self.uow() as uow:
            row = await uow.session.get(ChargePointRow, charge_point)
            if row is None:
                return False
            return row.password_hash is None or (
                password is not None and check_password(password, row.password_hash)
            )

    async def booted(self, charge_point: str, vendor: str, model: str, serial: str | None) -> bool:
        async with self.uow() as uow:
            await uow.session.execute(
                update(ChargePointRow)
                .where(ChargePointRow.id == charge_point)
                .values(vendor=vendor[:50], model=model[:50], last_seen_at=self.clock())
            )
            await uow.commit()
        return True

    async def heartbeat(self, charge_point: str) -> None:
        async with self.uow() as uow:
            await uow.session.execute(
                update(ChargePointRow)
                .where(ChargePointRow.id == charge_point)
                .values(last_seen_at=self.clock())
            )
            await uow.commit()

    async def status(self, status: ConnectorStatus) -> None:
        async with self.uow() as uow:
            previous = await uow.session.get(
                ConnectorRow, (status.charge_point, status.connector), with_for_update=True
            )
            was_fault = previous is not None and is_fault(previous.status, previous.error_code)
            await uow.session.execute(
                insert(ConnectorRow)
                .values(
                    charge_point_id=status.charge_point,
                    connector=status.connector,
                    status=status.status,
                    error_code=status.error_code,
                    updated_at=status.at,
                )
                .on_conflict_do_update(
                    index_elements=["charge_point_id", "connector"],
                    set_={
                        "status": status.status,
                        "error_code": status.error_code,
                        "updated_at": status.at,
                    },
                )
            )
            if is_fault(status.status, status.error_code) and not was_fault:
                cp = await uow.session.get(ChargePointRow, status.charge_point)
                if cp is not None:
                    await uow.publish(fault_alert(cp, status), key=status.charge_point)
            await uow.commit()

    async def authorize(self, charge_point: str, id_tag: str) -> bool:
        async with self.uow() as uow:
            tag = await uow.session.get(ChargeTagRow, id_tag)
            return tag is not None and tag.active

    async def start(
        self, charge_point: str, connector: int, id_tag: str, meter_start_wh: int, at: datetime
    ) -> Started:
        async with self.uow() as uow:
            tag = await uow.session.get(ChargeTagRow, id_tag)
            cp = await uow.session.get(ChargePointRow, charge_point)
            accepted = tag is not None and tag.active and cp is not None
            row = ChargingTransactionRow(
                charge_point_id=charge_point,
                connector=connector,
                id_tag=id_tag[:36],
                account=tag.account if tag else None,
                community_id=cp.community_id if cp else "",
                meter_start=meter_start_wh,
                started_at=at,
                status="charging" if accepted else "refused",
            )
            uow.session.add(row)
            await uow.session.flush()
            await uow.commit()
            return Started(row.id, accepted)

    async def meter(
        self, charge_point: str, transaction_id: int | None, energy_wh: int, at: datetime
    ) -> None:
        if transaction_id is None:
            return
        async with self.uow() as uow:
            row = await uow.session.get(
                ChargingTransactionRow, transaction_id, with_for_update=True
            )
            if row is not None and row.status == "charging" and energy_wh >= row.meter_start:
                row.meter_last = max(energy_wh, row.meter_last or energy_wh)
                await uow.commit()

    async def stop(
        self,
        charge_point: str,
        transaction_id: int,
        meter_stop_wh: int,
        at: datetime,
        reason: str | None,
    ) -> None:
        async with self.uow() as uow:
            row = await uow.session.get(
                ChargingTransactionRow, transaction_id, with_for_update=True
            )
            if row is None or row.status != "charging" or row.charge_point_id != charge_point:
                return
            cp = await uow.session.get(ChargePointRow, charge_point)
            assert cp is not None
            row.meter_stop = max(meter_stop_wh, row.meter_start)
            row.stopped_at, row.reason, row.status = at, (reason or "")[:32], "finished"
            tariff = EvTariff(cp.energy_price, cp.service_fee)
            row.amount = ev_bill(tariff, row.meter_stop - row.meter_start).total
            await uow.commit()


def fault_alert(cp: ChargePointRow, status: ConnectorStatus) -> NotificationRequestedV1:
    code = status.error_code if status.error_code not in (None, "NoError") else status.status
    zh, en = fault_words(code)  # words, never the protocol's code (issue 18)
    return NotificationRequestedV1(
        request_id=f"ev-fault-{cp.id}-{status.connector}-{int(status.at.timestamp())}",
        recipients=Recipients(
            roles_in_scope=[
                RoleInScope(role="property_staff", scope_type="community", scope_id=cp.community_id)
            ]
        ),
        template="charging.fault",
        variables={
            "title": "充电桩故障",
            "body": f"{cp.name} {status.connector}号枪报告故障（{zh}），请安排检修。",
            "title_en": "Charger fault",
            "body_en": f"{cp.name}, connector {status.connector}, reports a fault ({en}); "
            "please send a repair.",
        },
        severity=NotificationSeverity.WARNING,
        channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
        source_service="parking-payment",
        community_id=cp.community_id,
        correlation_id=cp.id,
    )


class Charging:
    """The resident's side: start and stop from the app; pay a finished charge."""

    def __init__(self, uow: UowFactory, central: CentralSystem) -> None:
        self.uow = uow
        self.central = central

    async def remote_start(self, who: Who, charge_point: str, connector: int | None) -> str:
        async with self.uow() as uow:
            cp = await uow.session.get(ChargePointRow, charge_point)
            if cp is None:
                raise not_found("parking.charger_not_found", "找不到该充电桩", "no such charger")
            tag = (
                (
                    await uow.session.execute(
                        select(ChargeTagRow).where(
                            ChargeTagRow.account == who.subject, ChargeTagRow.active
                        )
                    )
                )
                .scalars()
                .first()
            )
            if tag is None:
                tag = ChargeTagRow(
                    id_tag="APP" + secrets.token_hex(8).upper(),
                    account=who.subject,
                    community_id=cp.community_id,
                    household_id=None,
                )
                uow.session.add(tag)
            id_tag = tag.id_tag
            await uow.audit(
                who,
                "charging.remote_start",
                "charge_point",
                charge_point,
                community_id=cp.community_id,
            )
            await uow.commit()
        try:
            accepted = await self.central.remote_start(charge_point, id_tag, connector)
        except ChargerOffline:
            raise Problem(
                409, "parking.charger_offline", "充电桩离线，请稍后再试（the charger is offline）"
            ) from None
        if not accepted:
            raise Problem(
                409,
                "parking.charger_refused",
                "充电桩拒绝启动，请检查充电枪是否插好（the charger refused to start）",
            )
        return id_tag

    async def remote_stop(self, who: Who, transaction_id: int) -> None:
        async with self.uow() as uow:
            row = await uow.session.get(ChargingTransactionRow, transaction_id)
            if row is None or row.account != who.subject:
                raise not_found("parking.charge_not_found", "找不到该充电记录", "no such charge")
            cp_id = row.charge_point_id
        try:
            accepted = await self.central.remote_stop(cp_id, transaction_id)
        except ChargerOffline:
            raise Problem(
                409, "parking.charger_offline", "充电桩离线，请稍后再试（the charger is offline）"
            ) from None
        if not accepted:
            raise Problem(
                409, "parking.charger_refused", "充电桩拒绝停止（the charger refused to stop）"
            )

    # -- a payment target (Purpose.ev_charging) --------------------------------------
    async def quote(self, uow: Uow, who: Who, target_id: str, now: datetime) -> Quote:
        row = await self._row(uow, target_id, lock=False)
        if row.account != who.subject:
            raise not_found("parking.charge_not_found", "找不到该充电记录", "no such charge")
        if row.status != "finished" or not row.amount or row.order_id is not None:
            raise DomainError("parking.charge_not_payable", "该充电记录无需缴费", "nothing to pay")
        kwh = (row.meter_stop or row.meter_start) - row.meter_start
        return Quote(
            row.amount,
            f"充电费 {kwh / 1000:.2f} 度 {describe_fen(row.amount)}",
            row.community_id,
            None,
        )

    async def paid(self, uow: Uow, order: PaymentOrder) -> bool:
        row = await self._row(uow, order.target_id, lock=True)
        if row.order_id is not None:
            return False
        row.order_id = order.id
        return True

    async def _row(self, uow: Uow, target_id: str, *, lock: bool) -> ChargingTransactionRow:
        try:
            tx_id = int(target_id)
        except ValueError:
            raise not_found(
                "parking.charge_not_found", "找不到该充电记录", "no such charge"
            ) from None
        row = await uow.session.get(ChargingTransactionRow, tx_id, with_for_update=lock)
        if row is None:
            raise not_found("parking.charge_not_found", "找不到该充电记录", "no such charge")
        return row
