"""Notices: approval by someone other than the author, audience by place and role, pinning,
expiry, and who has not read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gov_affairs.domain import notices as n

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def notice(**kw: object) -> n.Notice:
    base = {
        "title": "停水通知",
        "body": "3月5日9:00-17:00 1号楼停水检修。",
        "community_id": "c1",
        "audience": {"places": [{"type": "building", "id": "b1"}]},
        "author": "admin-1",
    }
    return n.Notice.model_validate({**base, **kw})


ADMIN = {"community_admin"}


def published(**kw: object) -> n.Notice:
    x = n.move(notice(**kw), "submit", "admin-1", ADMIN, NOW)
    return n.move(x, "approve", "admin-2", ADMIN, NOW)


def test_drafted_submitted_approved_by_another() -> None:
    x = n.move(notice(), "submit", "admin-1", ADMIN, NOW)
    with pytest.raises(n.NoticeError) as own:
        n.move(x, "approve", "admin-1", ADMIN, NOW)
    assert own.value.code == "notice.own_notice"
    with pytest.raises(n.NoticeError) as staff:
        n.move(x, "approve", "staff-1", {"property_staff"}, NOW)
    assert staff.value.code == "notice.not_approver"
    back = n.move(x, "reject", "admin-2", ADMIN, NOW, "请注明停水原因")
    assert (back.status, back.rejection) == ("draft", "请注明停水原因")
    pub = n.move(x, "approve", "admin-2", ADMIN, NOW)
    assert (pub.status, pub.approved_by, pub.published_at) == ("published", "admin-2", NOW)
    with pytest.raises(n.NoticeError) as twice:
        n.move(pub, "approve", "admin-2", ADMIN, NOW)
    assert twice.value.code == "notice.bad_state"


def viewer(roles: set[str], *places: tuple[str, str]) -> n.Viewer:
    return n.Viewer("acc", frozenset(roles), frozenset(places))


def test_residents_see_only_notices_for_their_places_and_roles() -> None:
    pub = published()
    in_b1 = viewer({"resident"}, ("community", "c1"), ("building", "b1"), ("grid", "g1"))
    in_b2 = viewer({"resident"}, ("community", "c1"), ("building", "b2"))
    assert n.visible(pub, in_b1, NOW)
    assert not n.visible(pub, in_b2, NOW)
    staff_only = published(
        audience={"places": [{"type": "community", "id": "c1"}], "roles": ["property_staff"]}
    )
    assert not n.visible(staff_only, in_b1, NOW)
    assert n.visible(staff_only, viewer({"property_staff"}, ("community", "c1")), NOW)
    # a draft is nobody's notice yet
    assert not n.visible(notice(), in_b1, NOW)


def test_expired_and_withdrawn_notices_disappear() -> None:
    pub = published(expires_at=NOW + timedelta(days=3))
    who = viewer({"tenant"}, ("building", "b1"))
    assert n.visible(pub, who, NOW + timedelta(days=2))
    assert not n.visible(pub, who, NOW + timedelta(days=3))
    gone = n.move(pub, "withdraw", "admin-1", ADMIN, NOW)
    assert not n.visible(gone, who, NOW)


def test_pinned_first_then_newest() -> None:
    old_pin = published(title="置顶", pinned=True, pinned_until=NOW + timedelta(days=1))
    newer = published(title="新")
    newer.published_at = NOW + timedelta(hours=1)
    older = published(title="旧")
    older.published_at = NOW - timedelta(hours=1)
    assert [x.title for x in n.board_order([older, newer, old_pin], NOW)] == ["置顶", "新", "旧"]
    later = NOW + timedelta(days=2)  # the pin has run out
    assert [x.title for x in n.board_order([older, newer, old_pin], later)] == ["新", "置顶", "旧"]


def test_who_has_not_read_it_by_building() -> None:
    audience = [
        n.Member("a1", "1号楼", "1单元 101室"),
        n.Member("a2", "1号楼", "1单元 102室"),
        n.Member("a3", "2号楼", "1单元 101室"),
        n.Member("a2", "1号楼", "1单元 102室"),
    ]
    report = n.read_report(audience, {"a2", "someone-else"})
    assert (report.total, report.read, report.unread) == (3, 1, 2)
    assert {b: [m.room for m in ms] for b, ms in report.unread_by_building.items()} == {
        "1号楼": ["1单元 101室"],
        "2号楼": ["1单元 101室"],
    }
