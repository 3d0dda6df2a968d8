"""Owners' assembly votes under Civil Code art. 278: the electorate from the room register,
one ballot per owner across channels, and a tally that says which threshold was missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from gov_affairs.domain import assembly as a

OPEN = datetime(2026, 5, 1, tzinfo=UTC)
CLOSE = OPEN + timedelta(days=14)
AT = OPEN + timedelta(days=1)


def room(rid: str, area: str, *owners: str, developer: bool = False) -> a.Room:
    return a.Room(rid, f"1号楼{rid}室", Decimal(area), frozenset(owners), developer)


# 900 m² and 8 owners by art. 278's count: one buyer of three large rooms counts once, the
# developer's two unsold rooms count once together
ROOMS = [
    room("101", "120", "big"),
    room("102", "120", "big"),
    room("103", "120", "big"),
    *(room(f"2{i:02d}", "60", f"owner-{i}") for i in range(1, 7)),
    room("301", "90", developer=True),
    room("302", "90", developer=True),
]


def vote(
    e: a.Electorate,
    ballots: dict[str, a.Ballot],
    voter: str,
    choice: a.Choice,
    channel: a.Channel = "app",
    **kw: object,
) -> a.Ballot:
    serial = kw.pop("paper_serial", "P-001" if channel == "paper" else None)
    return a.cast(
        e,
        ballots,
        voter=voter,
        choice=choice,
        channel=channel,
        entered_by="acc",
        at=AT,
        opens_at=OPEN,
        closes_at=CLOSE,
        paper_serial=serial,
        **kw,
    )  # type: ignore[arg-type]


def test_the_electorate_counts_one_buyer_and_the_developer_once() -> None:
    e = a.electorate(ROOMS)
    assert (e.total_area, e.total_heads) == (Decimal(900), 8)
    assert e.units["101"].area == Decimal(360)
    assert e.units[a.DEVELOPER].area == Decimal(180)
    # spouses on one deed are one owner; the same wife alone on another deed is another
    joint = a.electorate([room("1", "80", "husband", "wife"), room("2", "50", "wife")])
    assert joint.total_heads == 2


def test_area_met_heads_not_so_the_decision_fails_and_says_why() -> None:
    """The issue's scenario: a vote on raising the maintenance fund (a special matter)."""
    e = a.electorate(ROOMS)
    ballots: dict[str, a.Ballot] = {}
    vote(e, ballots, "big", "agree")
    vote(e, ballots, a.DEVELOPER, "agree", "paper", paper_serial="P-009")  # the developer's paper
    vote(e, ballots, "owner-1", "agree", "paper", paper_serial="P-002")
    t = a.tally(e, ballots.values(), a.rules_for("special"))
    part_area, part_heads, agree_area, agree_heads = t.checks
    # 600 of 900 m² is exactly two-thirds: "以上" includes the figure itself
    assert (part_area.ratio, part_area.met) == (Fraction(2, 3), True)
    assert (part_heads.ratio, part_heads.met) == (Fraction(3, 8), False)
    assert agree_area.met and agree_heads.met  # everyone who voted agreed
    assert t.passed is False
    assert [r.zh for r in t.reasons] == ["参与表决的业主人数为3/8（37.50%），未达到三分之二以上"]
    assert t.reasons[0].en == "participating owners was 3 of 8 (37.50%), short of at least 2/3"
    assert a.verdict(t).zh.startswith("表决未通过：参与表决的业主人数为3/8")
    assert t.by_channel == {"app": 1, "paper": 2}


def test_a_vote_that_passes_and_one_that_misses_approval() -> None:
    e = a.electorate(ROOMS)
    ballots: dict[str, a.Ballot] = {}
    for i in range(1, 7):
        vote(e, ballots, f"owner-{i}", "agree" if i <= 4 else "disagree")
    vote(e, ballots, "big", "abstain")
    # 720/900 m² and 7/8 owners took part; 240 m² and 4 owners of them agree
    ordinary = a.tally(e, ballots.values(), a.rules_for("ordinary"))
    assert [c.met for c in ordinary.checks] == [True, True, False, True]
    assert ordinary.passed is False
    assert ordinary.reasons[0].zh.startswith(
        "同意的专有面积（占参与表决面积）为240.00 m²/720.00 m²"
    )
    assert "过半数" in ordinary.reasons[0].zh
    # big changes nothing by abstaining; had they agreed, both halves would be passed
    ballots["101"] = a.Ballot("101", "agree", "app", "big", "acc", AT)
    assert a.tally(e, ballots.values(), a.rules_for("ordinary")).passed is True
    # a special matter needs three-quarters: 600 of 720 m² is, 5 of 7 owners is not
    special = a.tally(e, ballots.values(), a.rules_for("special"))
    assert [c.met for c in special.checks] == [True, True, True, False]
    assert (
        special.reasons[0].zh
        == "同意的业主人数（占参与表决人数）为5/7（71.43%），未达到四分之三以上"
    )


def test_exactly_half_is_not_more_than_half() -> None:
    e = a.electorate([room("1", "50", "x"), room("2", "50", "y")])
    ballots: dict[str, a.Ballot] = {}
    vote(e, ballots, "x", "agree")
    vote(e, ballots, "y", "disagree")
    t = a.tally(e, ballots.values(), a.rules_for("ordinary"))
    assert [c.met for c in t.checks] == [True, True, False, False]


def test_one_ballot_per_owner_across_channels() -> None:
    e = a.electorate([room("1", "80", "husband", "wife"), *ROOMS[3:5]])
    ballots: dict[str, a.Ballot] = {}
    vote(e, ballots, "husband", "agree")
    with pytest.raises(a.VoteError) as paper:
        vote(e, ballots, "wife", "disagree", "paper")
    assert paper.value.code == "vote.already_cast"
    assert "线上" in paper.value.zh and "in the app" in paper.value.message
    vote(e, ballots, "owner-1", "agree", "paper")
    with pytest.raises(a.VoteError) as app:
        vote(e, ballots, "owner-1", "disagree")
    assert app.value.code == "vote.already_cast"
    assert [b.choice for b in ballots.values()] == ["agree", "agree"]


def test_who_may_vote_when_and_how() -> None:
    e = a.electorate(ROOMS)
    ballots: dict[str, a.Ballot] = {}
    with pytest.raises(a.VoteError) as tenant:
        vote(e, ballots, "tenant-1", "agree")
    assert tenant.value.code == "vote.not_an_owner"
    with pytest.raises(a.VoteError) as late:
        a.cast(
            e,
            ballots,
            voter="owner-1",
            choice="agree",
            channel="app",
            entered_by="a",
            at=CLOSE,
            opens_at=OPEN,
            closes_at=CLOSE,
        )
    assert late.value.code == "vote.closed"
    with pytest.raises(a.VoteError) as serial:
        vote(e, ballots, "owner-1", "agree", "paper", paper_serial=None)
    assert serial.value.code == "vote.paper_serial_required"
    assert ballots == {}


def test_an_owner_of_two_units_names_the_room() -> None:
    e = a.electorate([room("1", "80", "wife"), room("2", "50", "husband", "wife")])
    ballots: dict[str, a.Ballot] = {}
    with pytest.raises(a.VoteError):
        vote(e, ballots, "wife", "agree")
    vote(e, ballots, "wife", "agree", room_id="2")
    vote(e, ballots, "wife", "disagree", room_id="1")
    assert len(ballots) == 2


def test_an_incomplete_register_is_refused() -> None:
    with pytest.raises(a.VoteError) as area:
        a.electorate([room("1", "0", "x")])
    assert area.value.code == "vote.room_without_area"
    with pytest.raises(a.VoteError) as owner:
        a.electorate([room("1", "50")])
    assert owner.value.code == "vote.room_without_owner"
