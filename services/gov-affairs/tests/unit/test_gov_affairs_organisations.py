"""Organisations (USCC checked), party affairs (officers only, attendance), legal bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from gov_affairs.domain import organisations as o

T = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)


def org(name: str, uscc: str = "91110000600037341L", **kw: object) -> o.Organisation:
    return o.Organisation.model_validate(
        {
            "name": name,
            "kind": "enterprise",
            "uscc": uscc,
            "community_id": "c1",
            "address": "幸福里1号",
            **kw,
        }
    )


def test_uscc_is_checked_and_search_finds_by_name_scope_code() -> None:
    with pytest.raises(ValidationError) as bad:
        org("某公司", "91110000600037341M")
    assert bad.value.errors()[0]["type"] == "uscc.check_digit"
    orgs = [
        org("幸福里物业服务有限公司", kind="property_company", scope="物业管理"),
        org("阳光志愿者协会", "9131000063159284XQ", kind="social_organisation", tags=["志愿"]),
        org("旧店", active=False, scope="物业维修"),
    ]
    assert [x.name for x in o.search(orgs, text="物业")] == ["幸福里物业服务有限公司", "旧店"]
    assert [x.name for x in o.search(orgs, text="9131000063159284xq")] == ["阳光志愿者协会"]
    assert [x.name for x in o.search(orgs, tag="志愿")] == ["阳光志愿者协会"]


def test_party_members_visible_to_officers_of_the_org_or_above() -> None:
    orgs = {
        "street": o.PartyOrg(
            id="street", name="街道党工委", community_id="c1", officers=["sec-street"]
        ),
        "branch": o.PartyOrg(
            id="branch",
            name="幸福里社区党支部",
            parent_id="street",
            community_id="c1",
            officers=["sec-branch"],
        ),
    }
    assert o.can_see_members("sec-branch", orgs["branch"], orgs)
    assert o.can_see_members("sec-street", orgs["branch"], orgs)
    assert not o.can_see_members("sec-branch", orgs["street"], orgs)
    assert not o.can_see_members("resident-1", orgs["branch"], orgs)


def test_attendance_and_lectures_per_quarter() -> None:
    m = o.Meeting(
        org_id="branch",
        kind="party_lecture",
        held_on=date(2026, 4, 8),
        topic="学习党章",
        attended=["m1", "m2", "m3"],
        excused={"m4": "住院"},
    )
    a = o.attendance(m, ["m1", "m2", "m3", "m4", "m5"])
    assert (a.members, a.attended, a.excused, a.absent, a.percent) == (5, 3, 1, ("m5",), 60)
    assert o.lectures_per_quarter([m], "branch", 2026) == {1: 0, 2: 1, 3: 0, 4: 0}


def test_lawyer_bookings() -> None:
    lawyer = o.Lawyer(id="l1", name="陈律师", firm="某律师事务所", fee_per_session=Decimal(0))
    start = T + timedelta(days=1)
    b = o.book_lawyer(lawyer, [], "r1", start, start + timedelta(hours=1), "租房押金纠纷", T)
    with pytest.raises(o.LegalError) as clash:
        o.book_lawyer(
            lawyer, [b], "r2", start + timedelta(minutes=30), start + timedelta(hours=2), "x", T
        )
    assert clash.value.code == "legal.slot_taken"
    with pytest.raises(o.LegalError) as late:
        o.cancel_booking(b, "r1", start - timedelta(hours=1))
    assert late.value.code == "legal.too_late"
    with pytest.raises(o.LegalError):
        o.rate_booking(b, "r1", 5)
    done = o.complete(b, "建议先与房东协商，保留转账凭证。")
    assert o.rate_booking(done, "r1", 5).rating == 5
    with pytest.raises(o.LegalError):
        o.rate_booking(done, "r2", 5)


def test_complaints_counted_per_enterprise() -> None:
    cs = [
        o.Complaint(org_uscc="A", resident="r1", summary="保洁不到位", status="closed"),
        o.Complaint(org_uscc="A", resident="r2", summary="收费不透明", status="in_progress"),
        o.Complaint(org_uscc="B", resident="r1", summary="噪音"),
    ]
    assert o.complaints_by_org(cs) == {"A": (2, 1), "B": (1, 1)}
