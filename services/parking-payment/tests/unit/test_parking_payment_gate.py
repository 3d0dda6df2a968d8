from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from parking_payment.domain.gate import (
    DEFAULT_BLOCKS,
    Action,
    Direction,
    GateContext,
    LotState,
    PlateRead,
    WatchEntry,
    WatchReason,
    decide,
)
from parking_payment.domain.sessions import ParkingSession, PassKind, describe_duration
from parking_payment.domain.tariffs import Coverage, Tariff

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=SH)
TARIFF = Tariff(unit_price=300, free_minutes=15, leave_within_minutes=15)
LOT = LotState("lot-1", capacity=100, occupied=10)
PLATE = "京A12345"


def read(direction: Direction, at: datetime, plate: str | None = PLATE) -> PlateRead:
    return PlateRead("gate-1", direction, plate, at)


def watch(reason: WatchReason) -> WatchEntry:
    return WatchEntry(PLATE, reason, DEFAULT_BLOCKS[reason])


def test_temporary_car_enters_and_a_session_opens():
    d = decide(GateContext(read(Direction.entry, T0), LOT, TARIFF))
    assert d.action is Action.open
    assert d.open_session
    assert d.reason == "entry_temporary"
    assert d.display == "京A12345 临时车 欢迎光临"


def test_full_lot_refuses_temporary_cars_but_not_pass_holders():
    full = LotState("lot-1", capacity=100, occupied=95, reserved=5)
    d = decide(GateContext(read(Direction.entry, T0), full, TARIFF))
    assert (d.action, d.reason) == (Action.refuse, "lot_full")
    cover = (Coverage(T0 - timedelta(days=1), T0 + timedelta(days=29), "monthly"),)
    d = decide(
        GateContext(
            read(Direction.entry, T0), full, TARIFF, coverages=cover, pass_kind=PassKind.monthly
        )
    )
    assert d.action is Action.open
    assert d.display == "京A12345 月卡车 欢迎光临"


def test_expired_monthly_pass_is_a_temporary_car():
    cover = (Coverage(T0 - timedelta(days=31), T0 - timedelta(days=1), "monthly"),)
    d = decide(
        GateContext(
            read(Direction.entry, T0), LOT, TARIFF, coverages=cover, pass_kind=PassKind.monthly
        )
    )
    assert d.reason == "entry_temporary"


def test_blacklisted_car_is_refused_and_alerts():
    d = decide(
        GateContext(read(Direction.entry, T0), LOT, TARIFF, watch=watch(WatchReason.blacklist))
    )
    assert d.action is Action.refuse
    assert d.alerts == [WatchReason.blacklist]
    assert "黑名单" in d.display


def test_stolen_car_is_let_in_but_alerts():
    d = decide(GateContext(read(Direction.entry, T0), LOT, TARIFF, watch=watch(WatchReason.stolen)))
    assert d.action is Action.open
    assert d.alerts == [WatchReason.stolen]


def test_plate_less_car_is_asked_to_scan_the_qr_code():
    d = decide(GateContext(read(Direction.entry, T0, plate=None), LOT, TARIFF))
    assert (d.action, d.reason) == (Action.refuse, "plate_less_scan_qr")
    assert d.display == "无牌车请扫码入场"


def test_a_car_without_a_plate_scans_in_and_out_by_its_ticket():
    scanned_in = PlateRead("gate-1", Direction.entry, None, T0, ticket="t-1")
    d = decide(GateContext(scanned_in, LOT, TARIFF))
    assert (d.action, d.reason, d.open_session) == (Action.open, "entry_temporary", True)
    assert (d.display, d.display_en) == ("无牌车 临时车 欢迎光临", "Car without a plate: welcome")
    session = ParkingSession("lot-1", None, T0, ticket="t-1")
    scanned_out = PlateRead("gate-2", Direction.exit, None, T0 + timedelta(minutes=130), "t-1")
    d = decide(GateContext(scanned_out, LOT, TARIFF, session=session))
    assert (d.action, d.due) == (Action.pay, 900)
    assert d.display == "无牌车 停车2小时10分钟 请缴费9.00 元"
    assert d.display_en == "Car without a plate: parked 130 min, please pay 9.00 yuan"
    # a ticket that opened no stay here is the desk's to decide, as a plate without one
    d = decide(GateContext(scanned_out, LOT, TARIFF))
    assert (d.action, d.reason) == (Action.refuse, "no_entry_record")


def test_duplicate_read_opens_without_a_second_session():
    session = ParkingSession("lot-1", PLATE, T0)
    d = decide(
        GateContext(read(Direction.entry, T0 + timedelta(seconds=20)), LOT, TARIFF, session=session)
    )
    assert d.action is Action.open
    assert not d.open_session


def test_new_entry_while_a_session_is_open_supersedes_it():
    session = ParkingSession("lot-1", PLATE, T0 - timedelta(days=2))
    d = decide(GateContext(read(Direction.entry, T0), LOT, TARIFF, session=session))
    assert d.open_session
    assert d.supersede_session


def test_exit_after_2h10_asks_for_9_yuan():
    session = ParkingSession("lot-1", PLATE, T0)
    d = decide(
        GateContext(read(Direction.exit, T0 + timedelta(minutes=130)), LOT, TARIFF, session=session)
    )
    assert (d.action, d.due, d.fee) == (Action.pay, 900, 900)
    assert d.display == "京A12345 停车2小时10分钟 请缴费9.00 元"


def test_paid_in_advance_leaves_within_the_window_for_free():
    session = ParkingSession("lot-1", PLATE, T0)
    session.record_payment(900, T0 + timedelta(minutes=130))
    d = decide(
        GateContext(read(Direction.exit, T0 + timedelta(minutes=140)), LOT, TARIFF, session=session)
    )
    assert (d.action, d.reason) == (Action.open, "exit_paid")
    assert d.close_session


def test_paid_in_advance_but_too_late_pays_only_the_extra():
    session = ParkingSession("lot-1", PLATE, T0)
    session.record_payment(900, T0 + timedelta(minutes=130))
    d = decide(
        GateContext(read(Direction.exit, T0 + timedelta(minutes=190)), LOT, TARIFF, session=session)
    )
    assert (d.action, d.due, d.fee) == (Action.pay, 300, 1200)


def test_short_stay_leaves_free():
    session = ParkingSession("lot-1", PLATE, T0)
    d = decide(
        GateContext(read(Direction.exit, T0 + timedelta(minutes=10)), LOT, TARIFF, session=session)
    )
    assert (d.action, d.reason) == (Action.open, "exit_free")


def test_exit_without_entry_record_goes_to_the_desk_unless_a_pass_holder():
    d = decide(GateContext(read(Direction.exit, T0), LOT, TARIFF))
    assert (d.action, d.reason) == (Action.refuse, "no_entry_record")
    cover = (Coverage(T0 - timedelta(days=1), None, "owner_permanent"),)
    d = decide(
        GateContext(
            read(Direction.exit, T0),
            LOT,
            TARIFF,
            coverages=cover,
            pass_kind=PassKind.owner_permanent,
        )
    )
    assert d.action is Action.open


def test_durations_for_people():
    assert describe_duration(130) == "2小时10分钟"
    assert describe_duration(0) == "0分钟"
    assert describe_duration(24 * 60 + 5) == "1天5分钟"
