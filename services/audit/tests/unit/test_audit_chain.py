"""The per-day hash chain: a sound chain verifies; each kind of tampering is named at
the first position it breaks."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from audit.domain.chain import ChainVerifier, chain_day, genesis_hash, link_hash
from audit.domain.records import record_row
from audittools import make_record

DAY = date(2026, 5, 4)


def chain(n: int, day: date = DAY) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    prev = genesis_hash(day)
    for i in range(n):
        occurred = datetime(day.year, day.month, day.day, 8, i, tzinfo=UTC)
        record = make_record(occurred_at=occurred, resource_id=f"t-{i}")
        row = record_row(record, received_at=occurred, day=day, position=i + 1, prev_hash=prev)
        rows.append(row)
        prev = row["hash"]
    return rows


def verify(rows: list[dict[str, Any]], head: tuple[int, str] | None) -> Any:
    verifier = ChainVerifier(DAY)
    for row in rows:
        if verifier.feed(row):
            break
    return verifier.finish(*(head or (None, None)))


def test_a_sound_chain_verifies() -> None:
    rows = chain(4)
    assert verify(rows, (4, rows[-1]["hash"])) is None
    assert verify([], None) is None


def test_an_altered_field_is_found_at_its_position() -> None:
    rows = chain(5)
    rows[2]["resource_id"] = "someone-else"
    broken = verify(rows, (5, rows[-1]["hash"]))
    assert (broken.position, broken.reason) == (3, "altered")
    assert broken.record_id == str(rows[2]["record_id"])


def test_a_rehashed_record_breaks_the_next_link() -> None:
    rows = chain(5)
    rows[1]["outcome"] = "failure"
    rows[1]["hash"] = link_hash(rows[1]["prev_hash"], rows[1])
    broken = verify(rows, (5, rows[-1]["hash"]))
    assert (broken.position, broken.reason) == (3, "broken_link")


def test_removed_records_and_tails_are_found() -> None:
    rows = chain(5)
    head = (5, rows[-1]["hash"])
    assert verify(rows[:2] + rows[3:], head).reason == "missing_record"
    assert verify(rows[:2] + rows[3:], head).position == 3
    truncated = verify(rows[:4], head)
    assert (truncated.position, truncated.reason) == (5, "truncated")
    assert verify(rows, None).reason == "missing_head"
    assert verify(rows, (5, "0" * 64)).reason == "head_mismatch"


def test_a_record_moved_to_another_day_is_found() -> None:
    rows = chain(2)
    rows[1]["chain_day"] = DAY + timedelta(days=1)
    assert verify(rows, (2, rows[-1]["hash"])).reason == "wrong_day"


def test_the_hash_does_not_depend_on_how_a_time_was_written() -> None:
    record_id = uuid.uuid4()
    utc = datetime(2026, 5, 4, 1, 2, 3, 456789, tzinfo=UTC)
    beijing = utc.astimezone(timezone(timedelta(hours=8)))
    a = record_row(
        make_record(record_id=record_id, occurred_at=utc),
        received_at=utc,
        day=DAY,
        position=1,
        prev_hash=genesis_hash(DAY),
    )
    b = record_row(
        make_record(record_id=str(record_id), occurred_at=beijing.isoformat()),
        received_at=beijing,
        day=DAY,
        position=1,
        prev_hash=genesis_hash(DAY),
    )
    assert a["hash"] == b["hash"]
    assert genesis_hash(DAY) != genesis_hash(DAY + timedelta(days=1))


def test_the_chain_day_is_the_utc_day() -> None:
    late_evening_beijing = datetime(2026, 5, 4, 7, 30, tzinfo=timezone(timedelta(hours=8)))
    assert chain_day(late_evening_beijing) == date(2026, 5, 3)
