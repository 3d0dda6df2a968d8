"""Parking sessions (停车记录): one car's stay in one lot, entry to exit.

States: ``open`` (in the lot) -> ``closed`` (left through a gate, fee settled or waived)
or ``superseded`` (a new entry of the same plate while this one was still open: the exit
was missed; kept for the desk, never charged automatically).

Paying in advance (场内预缴) adds to ``paid`` and starts the leave window: leaving
within ``Tariff.leave_within_minutes`` of the last payment costs nothing more; later,
only what the stay has grown to beyond what was paid.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from parking_payment.domain.errors import DomainError
from parking_payment.domain.tariffs import Coverage, Fee, Tariff, compute_fee


class SessionStatus(StrEnum):
    open = "open"
    closed = "closed"
    superseded = "superseded"


class PassKind(StrEnum):
    monthly = "monthly"  # 月卡
    owner_permanent = "owner_permanent"  # 业主永久
    visitor = "visitor"  # 访客（住户授权）
    temporary = "temporary"  # 临时车


PASS_KIND_ZH = {
    PassKind.monthly: "月卡车",
    PassKind.owner_permanent: "业主车",
    PassKind.visitor: "访客车",
    PassKind.temporary: "临时车",
}


@dataclass(slots=True)
class ParkingSession:
    lot_id: str
    plate: str | None
    entry_at: datetime
    entry_gate: str | None = None
    kind: PassKind = PassKind.temporary
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: SessionStatus = SessionStatus.open
    paid: int = 0
    last_paid_at: datetime | None = None
    exit_at: datetime | None = None
    exit_gate: str | None = None
    fee: int | None = None
    ticket: str | None = None  # plate-less cars: the QR ticket scanned at entry

    def fee_at(
        self, tariff: Tariff, at: datetime, coverages: tuple[Coverage, ...] | list[Coverage] = ()
    ) -> Fee:
        return compute_fee(tariff, self.entry_at, max(at, self.entry_at), coverages)

    def due_at(
        self, tariff: Tariff, at: datetime, coverages: tuple[Coverage, ...] | list[Coverage] = ()
    ) -> tuple[int, Fee]:
        """What is still to pay to leave at ``at``, and the fee of the whole stay."""
        fee = self.fee_at(tariff, at, coverages)
        if self.within_leave_window(tariff, at):
            return 0, fee
        return max(0, fee.total - self.paid), fee

    def within_leave_window(self, tariff: Tariff, at: datetime) -> bool:
        if self.last_paid_at is None:
            return False
        return at <= self.last_paid_at + timedelta(minutes=tariff.leave_within_minutes)

    def record_payment(self, amount: int, at: datetime) -> None:
        if self.status is not SessionStatus.open:
            raise DomainError(
                "parking.session_not_open",
                "该停车记录已结束，不能再缴费",
                "this parking session has ended; it cannot be paid",
            )
        if amount <= 0:
            raise DomainError(
                "parking.bad_amount", "缴费金额必须大于零", "the amount must be positive"
            )
        self.paid += amount
        self.last_paid_at = at

    def close(self, at: datetime, gate: str | None, fee: int) -> None:
        if self.status is not SessionStatus.open:
            raise DomainError(
                "parking.session_not_open",
                "该停车记录已结束",
                "this parking session has already ended",
            )
        self.status = SessionStatus.closed
        self.exit_at = at
        self.exit_gate = gate
        self.fee = fee

    def supersede(self) -> None:
        if self.status is SessionStatus.open:
            self.status = SessionStatus.superseded

    @property
    def minutes(self) -> int | None:
        if self.exit_at is None:
            return None
        return int((self.exit_at - self.entry_at).total_seconds() // 60)


def describe_duration(minutes: int) -> str:
    """For people: 130 -> ``"2小时10分钟"``."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    if mins or not parts:
        parts.append(f"{mins}分钟")
    return "".join(parts)
