"""Alteration requests: forbidden work refused with the article, the flow asks the community
only for structural work, works, inspection (failed, rectified, passed), archive."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gov_affairs.domain import alterations as alt
from gov_affairs.domain.approvals import engine
from gov_affairs.domain.approvals.flow import SignerRef

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ROLES = {"property_manager": ["pm-1"], "community_admin": ["admin-1"]}


def resolve(ref: SignerRef) -> list[str]:
    return ROLES.get(ref.role or "", [])


def request(**kw: object) -> alt.Alteration:
    base = {
        "room_id": "r1",
        "community_id": "c1",
        "applicant": "owner-1",
        "kind": "decoration",
        "scopes": ["floors", "plumbing"],
        "planned_start": date(2026, 3, 10),
        "planned_end": date(2026, 4, 30),
    }
    return alt.Alteration.model_validate({**base, **kw})


def test_forbidden_work_is_refused_with_the_reason() -> None:
    with pytest.raises(alt.AlterationError) as caught:
        alt.check_request(request(scopes=["load_bearing", "floors", "gas_heating_mains"]))
    assert caught.value.code == "alteration.forbidden"
    assert [r.zh[:6] for r in caught.value.reasons] == ["不得擅自拆改", "不得拆改燃气"]


@pytest.mark.parametrize(
    ("kw", "steps"),
    [
        ({}, ["property"]),
        ({"scopes": ["balcony_enclosure"]}, ["property", "community"]),
        ({"kind": "alteration"}, ["property", "community"]),
    ],
)
def test_the_community_signs_only_structural_work(kw: dict, steps: list[str]) -> None:
    a = request(**kw)
    ctx = engine.Context(now=NOW, facts=alt.check_request(a), resolve=resolve)
    run = engine.start(alt.FLOW, a.applicant, ctx).approval
    signed = []
    while run.status == "running":
        signed.append(run.current)
        who = ROLES["property_manager" if run.current == "property" else "community_admin"][0]
        run = engine.decide(run, who, "approve", ctx).approval
    assert signed == steps


def test_works_inspection_and_archive() -> None:
    a = alt.move(request(), "approved", NOW)
    assert alt.is_open(a)
    with pytest.raises(alt.AlterationError):
        alt.inspect(a, "pm-1", NOW, passed=True, findings="ok")
    a = alt.move(a, "start", NOW)
    with pytest.raises(alt.AlterationError) as empty:
        alt.inspect(a, "pm-1", NOW, passed=True, findings=" ")
    assert empty.value.code == "alteration.findings_required"
    a = alt.inspect(a, "pm-1", NOW, passed=False, findings="卫生间闭水试验渗漏", photos=["p1"])
    assert a.status == "rectifying"
    a = alt.inspect(a, "pm-1", NOW, passed=True, findings="复查合格")
    a = alt.move(a, "archive", NOW)
    assert (a.status, a.archived_at, alt.is_open(a)) == ("archived", NOW, False)
    assert [i.passed for i in a.inspections] == [False, True]


def test_dates_must_make_sense() -> None:
    with pytest.raises(alt.AlterationError) as caught:
        alt.check_request(request(planned_end=date(2026, 3, 1)))
    assert caught.value.code == "alteration.bad_dates"
