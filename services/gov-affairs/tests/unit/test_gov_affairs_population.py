"""Population checks over gate passages: unregistered frequent passers and absent residents,
flagged with evidence and worked like a case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from gov_affairs.domain import population as pop

DAY0 = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)  # 08:30 in Beijing


def passages(key: str, days: list[int], **kw: str) -> list[pop.Passage]:
    return [
        pop.Passage(
            ts=DAY0 + timedelta(days=d, hours=h),
            community_id="c1",
            door_id=f"gate-{h % 2}",
            face_id=key,
            **kw,
        )
        for d in days
        for h in (0, 10)
    ]


def test_only_unidentified_passages_count() -> None:
    assert pop.subject_key(pop.Passage(DAY0, "c1", "g", face_id="f", person_id="p")) is None
    assert pop.subject_key(pop.Passage(DAY0, "c1", "g", face_id="f", pass_id="v")) is None
    assert pop.subject_key(pop.Passage(DAY0, "c1", "g", card_no="C9")) == "card:C9"
    assert pop.subject_key(pop.Passage(DAY0, "c1", "g")) is None


def test_days_are_beijing_days() -> None:
    late = pop.Passage(
        datetime(2026, 3, 1, 17, 0, tzinfo=UTC), "c1", "g", face_id="f"
    )  # 01:00 on the 2nd
    [(key, sighting)] = pop.fold([late]).items()
    assert key == ("c1", "face:f", date(2026, 3, 2))
    assert sighting.count == 1


def test_seen_on_five_days_in_two_weeks_is_flagged_with_evidence() -> None:
    sightings = pop.fold(
        passages("stranger", [0, 2, 4, 6, 8])
        + passages("guest", [0, 1, 2, 3])
        + passages("known", [0, 1, 2, 3, 4, 5])
    )
    found = pop.frequent_unregistered(
        sightings.values(), date(2026, 3, 14), registered_keys=frozenset({"face:known"})
    )
    assert [f.key for f in found] == ["face:stranger"]
    [f] = found
    assert [e.day for e in f.evidence] == [date(2026, 3, d) for d in (1, 3, 5, 7, 9)]
    assert f.evidence[0].count == 2 and f.evidence[0].doors == ("gate-0",)
    # the window moves on: on the 16th, the 1st is out of it and four days are left
    assert pop.frequent_unregistered(sightings.values(), date(2026, 3, 16)) == []


def test_absent_residents_after_grace() -> None:
    residents = [
        pop.Resident("p1", "c1", date(2025, 1, 1)),
        pop.Resident("p2", "c1", date(2026, 2, 20)),
        pop.Resident("p3", "c1", date(2025, 1, 1)),
    ]
    seen = {"p1": date(2026, 1, 1), "p3": date(2026, 3, 1)}
    found = pop.absent_residents(residents, seen, date(2026, 3, 10), absent_days=60)
    assert [f.key for f in found] == ["person:p1"]
    assert "68" in found[0].summary


def test_flag_is_worked_resolved_closed_and_never_dropped() -> None:
    sightings = pop.fold(passages("stranger", [0, 2, 4, 6, 8]))
    [finding] = pop.frequent_unregistered(sightings.values(), date(2026, 3, 14))
    flag = pop.open_flag(finding, DAY0)
    assert (flag.status, len(flag.evidence)) == ("open", 5)
    more = pop.frequent_unregistered(
        pop.fold(passages("stranger", [0, 2, 4, 6, 8, 10])).values(), date(2026, 3, 14)
    )[0]
    flag = pop.add_evidence(flag, more, DAY0)
    assert len(flag.evidence) == 6
    assert pop.add_evidence(flag, more, DAY0) is flag  # nothing new, nothing changes
    with pytest.raises(pop.FlagError) as closing:
        pop.work(flag, "close", "police-1", DAY0)
    assert closing.value.code == "flag.bad_state"
    flag = pop.work(flag, "start", "grid-1", DAY0)
    with pytest.raises(pop.FlagError) as bare:
        pop.work(flag, "resolve", "grid-1", DAY0, resolution="registered")
    assert bare.value.code == "flag.resolution_required"
    flag = pop.work(
        flag, "resolve", "grid-1", DAY0, resolution="registered", note="新租户，已协助登记"
    )
    flag = pop.work(flag, "close", "police-1", DAY0, note="核实无误")
    assert (flag.status, flag.resolution) == ("closed", "registered")
    flag = pop.work(flag, "reopen", "police-1", DAY0, note="登记信息有误")
    assert (flag.status, flag.resolution) == ("in_progress", None)
    assert [s.action for s in flag.timeline] == [
        "open",
        "evidence",
        "start",
        "resolve",
        "close",
        "reopen",
    ]
