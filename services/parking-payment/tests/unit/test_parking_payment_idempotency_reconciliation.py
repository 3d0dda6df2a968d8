from datetime import UTC, date, datetime, timedelta

import pytest

from parking_payment.domain.errors import DomainError
from parking_payment.domain.idempotency import (
    IdempotencyRecord,
    Verdict,
    check,
    expiry,
    fingerprint,
    validate_key,
)
from parking_payment.domain.money import fen_to_yuan, yuan_to_fen
from parking_payment.domain.payments import Provider
from parking_payment.domain.reconciliation import Entry, EntryKind, Mismatch, reconcile

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def record(fp: str, status: int | None = 201) -> IdempotencyRecord:
    return IdempotencyRecord(
        "key-00000001", "u1", fp, NOW, expiry(NOW, timedelta(hours=1)), status, {}
    )


def test_same_key_same_body_replays_other_body_conflicts():
    fp = fingerprint("u1", "post", "/api/v1/payments", {"amount": 900, "a": [1, 2]})
    same = fingerprint("u1", "POST", "/api/v1/payments", {"a": [1, 2], "amount": 900})
    other = fingerprint("u1", "POST", "/api/v1/payments", {"amount": 901, "a": [1, 2]})
    assert fp == same
    assert check(None, fp, NOW) is Verdict.new
    assert check(record(fp), same, NOW) is Verdict.replay
    assert check(record(fp), other, NOW) is Verdict.conflict
    assert check(record(fp, status=None), fp, NOW) is Verdict.in_progress


def test_another_caller_with_the_same_body_is_another_request():
    body = {"amount": 900}
    assert fingerprint("u1", "POST", "/p", body) != fingerprint("u2", "POST", "/p", body)


def test_keys_are_kept_at_least_a_day():
    rec = record("x")
    assert rec.expires_at == NOW + timedelta(hours=24)
    assert check(rec, "x", NOW + timedelta(hours=23, minutes=59)) is Verdict.replay
    assert check(rec, "y", NOW + timedelta(hours=24)) is Verdict.new


def test_key_format():
    assert validate_key("order-2026-12-03:0001") == "order-2026-12-03:0001"
    for bad in ("short", "x" * 129, "含中文的键值abcdefg", "has space 123"):
        with pytest.raises(DomainError):
            validate_key(bad)


@pytest.mark.parametrize(
    ("text", "fen"), [("0.01", 1), ("88.8", 8880), ("9", 900), ("100.00", 10000)]
)
def test_yuan_round_trip(text, fen):
    assert yuan_to_fen(text) == fen
    assert yuan_to_fen(fen_to_yuan(fen)) == fen


@pytest.mark.parametrize("text", ["-1", "1e3", "0.001", "", "abc", " 1.2.3", "01.00"])
def test_bad_yuan_refused(text):
    with pytest.raises(DomainError):
        yuan_to_fen(text)


def test_reconciliation_names_every_difference():
    p = EntryKind.payment
    local = [
        Entry(p, "P1", 900, "m1"),
        Entry(p, "P2", 500, "m1"),
        Entry(p, "P3", 700, "m1"),
        Entry(EntryKind.refund, "R1", 100, "m1"),
    ]
    bill = [
        Entry(p, "P1", 900, "m1"),
        Entry(p, "P2", 499, "m1"),
        Entry(p, "P4", 300, "m1"),
        Entry(EntryKind.refund, "R1", 100, "m1"),
        Entry(p, "P5", 100, "m9"),
    ]
    report = reconcile(Provider.wechat, date(2026, 12, 3), "m1", local, bill)
    assert report.matched == 2
    assert not report.balanced
    found = {(d.kind, d.number) for d in report.differences}
    assert found == {
        (Mismatch.amount_mismatch, "P2"),
        (Mismatch.missing_locally, "P4"),
        (Mismatch.missing_at_provider, "P3"),
        (Mismatch.merchant_mismatch, "P5"),
    }
    assert report.local_total == {"payment": 2100, "refund": 100}
    assert report.provider_total == {"payment": 1799, "refund": 100}


def test_balanced_day():
    e = [Entry(EntryKind.payment, "P1", 900, "m1")]
    assert reconcile(Provider.alipay, date(2026, 12, 3), "m1", e, list(e)).balanced
