"""Polls: one vote each, receipts, a hash chain anyone can recount; moderation of topics."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from gov_affairs.domain import consultation as c

OPEN = datetime(2026, 4, 1, tzinfo=UTC)
POLL = c.Poll(
    question="小区是否增设充电桩？",
    options=["增设", "不增设", "再议"],
    opens_at=OPEN,
    closes_at=OPEN + timedelta(days=7),
)
AT = OPEN + timedelta(hours=1)


def test_one_vote_per_eligible_person_and_a_recountable_result() -> None:
    ledger: list[c.BallotEntry] = []
    voted: set[str] = set()
    receipts = {}
    for i, choice in enumerate([0, 0, 1, 2, 0]):
        receipts[f"p{i}"] = c.cast(
            POLL, ledger, voted, voter=f"p{i}", eligible=True, choices=[choice], at=AT
        )
    with pytest.raises(c.PollError) as again:
        c.cast(POLL, ledger, voted, voter="p0", eligible=True, choices=[1], at=AT)
    assert again.value.code == "poll.already_voted"
    with pytest.raises(c.PollError) as outsider:
        c.cast(POLL, ledger, voted, voter="x", eligible=False, choices=[1], at=AT)
    assert outsider.value.code == "poll.not_eligible"
    r = c.result(POLL, ledger)
    assert (r.counts, r.ballots, r.head) == ((3, 1, 1), 5, ledger[-1].hash)
    # a voter finds their own ballot by the receipt, and nobody's name is in the ledger
    mine = c.find_receipt(ledger, receipts["p2"].receipt)
    assert mine is not None and mine.choices == (1,)
    assert all("p2" not in repr(e) for e in ledger)


def test_tampering_breaks_the_chain_and_withholds_the_result() -> None:
    ledger: list[c.BallotEntry] = []
    voted: set[str] = set()
    for i in range(4):
        c.cast(POLL, ledger, voted, voter=f"p{i}", eligible=True, choices=[1], at=AT)
    assert c.verify_chain(ledger)
    changed = [*ledger[:2], dataclasses.replace(ledger[2], choices=(0,)), ledger[3]]
    assert not c.verify_chain(changed)
    assert not c.verify_chain([ledger[0], ledger[2], ledger[3]])  # one removed
    with pytest.raises(c.PollError) as broken:
        c.result(POLL, changed)
    assert broken.value.code == "poll.chain_broken"


def test_choices_and_times() -> None:
    ledger: list[c.BallotEntry] = []
    voted: set[str] = set()
    for bad in ([], [3], [0, 0], [0, 1]):
        with pytest.raises(c.PollError):
            c.cast(POLL, ledger, voted, voter="p", eligible=True, choices=bad, at=AT)
    with pytest.raises(c.PollError) as closed:
        c.cast(POLL, ledger, voted, voter="p", eligible=True, choices=[0], at=POLL.closes_at)
    assert closed.value.code == "poll.closed"
    multi = POLL.model_copy(update={"multiple": True, "max_choices": 2})
    c.cast(multi, ledger, voted, voter="p", eligible=True, choices=[2, 0], at=AT)
    assert ledger[0].choices == (0, 2)
    assert voted == {"p"}


def test_moderation() -> None:
    assert c.screen("支持增设 充电桩", ["广告"]) == "visible"
    assert c.screen("加微信 广 告 代办", ["广告"]) == "pending"
    comment = c.Comment(author="r1", text="加微信广告", at=AT, status="pending")
    with pytest.raises(c.PollError):
        c.moderate(comment, "hide", " ")
    hidden = c.moderate(comment, "hide", "含广告信息")
    assert (hidden.status, hidden.moderation_note) == ("hidden", "含广告信息")
