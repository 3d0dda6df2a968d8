"""Gate decisions (道闸判定): pass, pay or refuse, from one plate read.

Pure: the caller loads the lot, the plate's watch-list entry, its passes, its open
session and the tariff, and carries out the decision (open the barrier through
device-ingestion, open or close the session, show the text on the gate's screen, raise
the alert). Every decision has a stable ``reason`` and a text for the gate's display,
zh-CN first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from parking_payment.domain.money import describe_fen
from parking_payment.domain.sessions import (
    PASS_KIND_ZH,
    ParkingSession,
    PassKind,
    describe_duration,
)
from parking_payment.domain.tariffs import Coverage, Tariff

DUPLICATE_READ = timedelta(seconds=90)
# a car without a plate (无牌车) is named so on the gate's screen and in the app
PLATELESS_ZH = "无牌车"
PLATELESS_EN = "Car without a plate"


class Direction(StrEnum):
    entry = "entry"
    exit = "exit"


class Action(StrEnum):
    open = "pass"  # lift the barrier
    pay = "pay"  # show the amount and the QR code; lift once paid
    refuse = "refuse"  # keep it down; the desk may decide otherwise


class WatchReason(StrEnum):
    blacklist = "blacklist"  # 黑名单
    stolen = "stolen"  # 被盗车辆
    unpaid = "unpaid"  # 欠费


WATCH_REASON_ZH = {
    WatchReason.blacklist: "黑名单车辆",
    WatchReason.stolen: "被盗车辆",
    WatchReason.unpaid: "欠费车辆",
}

# A stolen car is let in and out (stopping it tips the driver off); the alert is the point.
DEFAULT_BLOCKS = {WatchReason.blacklist: True, WatchReason.stolen: False, WatchReason.unpaid: False}


@dataclass(frozen=True, slots=True)
class WatchEntry:
    plate: str
    reason: WatchReason
    block: bool


@dataclass(frozen=True, slots=True)
class LotState:
    lot_id: str
    capacity: int
    occupied: int
    reserved: int = 0  # spaces kept for pass holders (固定车位)

    @property
    def free_for_visitors(self) -> int:
        return max(0, self.capacity - self.reserved - self.occupied)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.occupied)


@dataclass(frozen=True, slots=True)
class PlateRead:
    gate_id: str
    direction: Direction
    plate: str | None  # None: no plate (无牌车)
    at: datetime
    # a plate-less car's stay: the ticket its driver got by scanning the entry's QR code
    # (扫码入场) and shows again at the exit
    ticket: str | None = None


@dataclass(frozen=True, slots=True)
class GateContext:
    read: PlateRead
    lot: LotState
    tariff: Tariff
    watch: WatchEntry | None = None
    coverages: tuple[Coverage, ...] = ()
    pass_kind: PassKind = PassKind.temporary
    session: ParkingSession | None = None  # this plate's open session in this lot


@dataclass(slots=True)
class Decision:
    action: Action
    reason: str
    display: str  # the gate's screen, zh-CN
    display_en: str
    due: int = 0
    fee: int = 0
    open_session: bool = False
    close_session: bool = False
    supersede_session: bool = False
    alerts: list[WatchReason] = field(default_factory=list)


def decide(ctx: GateContext) -> Decision:
    read = ctx.read
    if read.plate is None and read.ticket is None:
        return Decision(
            Action.refuse,
            "plate_less_scan_qr",
            "无牌车请扫码" + ("入场" if read.direction is Direction.entry else "缴费出场"),
            "No plate: scan the QR code",
        )
    alerts = [ctx.watch.reason] if ctx.watch else []
    names = (read.plate, read.plate) if read.plate else (PLATELESS_ZH, PLATELESS_EN)
    decide_at = _entry if read.direction is Direction.entry else _exit
    decision = decide_at(ctx, *names)
    decision.alerts = alerts
    return decision


def _holder(ctx: GateContext) -> bool:
    active = any(c.covers(ctx.read.at) for c in ctx.coverages)
    return ctx.pass_kind is not PassKind.temporary and active


def _entry(ctx: GateContext, plate: str, plate_en: str) -> Decision:
    watch, session, at = ctx.watch, ctx.session, ctx.read.at
    if watch and watch.block:
        return Decision(
            Action.refuse,
            f"watch_{watch.reason.value}",
            f"{plate} {WATCH_REASON_ZH[watch.reason]}，禁止入场",
            f"{plate_en}: entry refused ({watch.reason.value})",
        )
    if session is not None and at - session.entry_at <= DUPLICATE_READ:
        return Decision(Action.open, "duplicate_read", f"{plate} 欢迎光临", f"{plate_en}: welcome")
    holder = _holder(ctx)
    if not holder and ctx.lot.free_for_visitors <= 0:
        return Decision(
            Action.refuse, "lot_full", f"{plate} 车位已满", f"{plate_en}: the car park is full"
        )
    kind = ctx.pass_kind if holder else PassKind.temporary
    return Decision(
        Action.open,
        f"entry_{kind.value}",
        f"{plate} {PASS_KIND_ZH[kind]} 欢迎光临",
        f"{plate_en}: welcome",
        open_session=True,
        supersede_session=session is not None,
    )


def _exit(ctx: GateContext, plate: str, plate_en: str) -> Decision:
    session, at = ctx.session, ctx.read.at
    if session is None:
        if _holder(ctx):
            return Decision(
                Action.open, "exit_pass_holder", f"{plate} 一路平安", f"{plate_en}: goodbye"
            )
        return Decision(
            Action.refuse,
            "no_entry_record",
            f"{plate} 无入场记录，请联系岗亭",
            f"{plate_en}: no entry record; please ask the attendant",
        )
    due, fee = session.due_at(ctx.tariff, at, ctx.coverages)
    stay = describe_duration(fee.minutes)
    if due <= 0:
        return Decision(
            Action.open,
            "exit_paid" if session.paid else "exit_free",
            f"{plate} 停车{stay} 一路平安",
            f"{plate_en}: parked {fee.minutes} min, goodbye",
            fee=fee.total,
            close_session=True,
        )
    return Decision(
        Action.pay,
        "exit_due",
        f"{plate} 停车{stay} 请缴费{describe_fen(due)}",
        f"{plate_en}: parked {fee.minutes} min, please pay {due / 100:.2f} yuan",
        due=due,
        fee=fee.total,
    )
