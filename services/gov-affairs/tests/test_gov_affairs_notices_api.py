"""Community notices over HTTP on PostgreSQL and Kafka (6.5.3): drafted by the committee,
approved by someone other than the author, published to a building and pushed through the
notification service to the residents there; a resident of another building neither sees
nor opens it; pinned notices come first; reading leaves one receipt; the committee sees the
read figures and who has not read it (by home); an attachment is for the notice's readers;
a withdrawn notice leaves the board, with its reason."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from gov_affairs.db.models import metadata
from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import (
    GrantChange,
    GrantChangedV1,
    HouseholdChange,
    HouseholdChangedV1,
    NoticeChangedV1,
    NotificationRequestedV1,
    Placement,
)
from sc_core.auth import Grant
from sc_core.db.migrate import model_drift

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def _homes(h: Harness, community: str) -> dict[str, tuple[str, str]]:
    """Three households (1号楼 101 and 102, 2号楼 201), each with one account holding a
    household grant, as identity publishes them; room -> (household, account)."""
    now = datetime.now(UTC)
    homes: dict[str, tuple[str, str]] = {}
    for room, building, role in (
        ("101", "1", "resident"),
        ("102", "1", "tenant"),
        ("201", "2", "resident"),
    ):
        household, account = f"h-{uuid.uuid4().hex[:8]}", f"acc-{uuid.uuid4().hex[:8]}"
        homes[room] = (household, account)
        place = Placement(
            community_id=community,
            building_id=f"{community}-b{building}",
            unit_id=f"{community}-b{building}-u1",
            room_id=f"{community}-r{room}",
            grid_id=f"{community}-g1",
            community_name="幸福里社区",
            building_name=f"{building}号楼",
            unit_name="1单元",
            room_number=room,
        )
        await h.send(
            HouseholdChangedV1(
                aggregate_id=household,
                household_id=household,
                change=HouseholdChange.CREATED,
                placement=place,
                member_count=1,
                status="active",
                changed_by="identity",
                changed_at=now,
            ),
            key=household,
        )
        await h.send(
            GrantChangedV1(
                aggregate_id=account,
                account_id=account,
                grant_id=f"g-{account}",
                change=GrantChange.GRANTED,
                role=role,
                scope_type="household",
                scope_id=household,
                community_id=community,
                changed_by="identity",
                changed_at=now,
            ),
            key=account,
        )
    places = h.usecases.notices.places
    grants = places.tables.grants
    assert grants is not None

    async def known() -> bool:
        async with h.usecases.notices.db.uow(read_only=True) as uow:
            held = await uow.session.scalar(
                select(func.count()).select_from(grants).where(grants.c.community_id == community)
            )
            placed = [await places.household(uow, x) for x, _ in homes.values()]
        return held == 3 and all(placed)

    await eventually(known, timeout=120, what="households and grants from identity's events")
    return homes


async def test_a_building_notice_from_draft_to_withdrawal(harness: Harness, community: str) -> None:
    h = harness
    homes = await _homes(h, community)
    author = h.staff(community, "author-1", "community_admin")
    approver = h.staff(community, "approver-1", "gov_officer")
    people = {
        room: h.issuer.bearer(
            homes[room][1], grants=[Grant(role, "household", homes[room][0])], name=name
        )
        for room, role, name in (
            ("101", "resident", "王秀英"),
            ("102", "tenant", "李明"),
            ("201", "resident", "张建国"),
        )
    }
    b1 = f"{community}-b1"

    upload = await h.client.post(
        "/api/v1/hall/files",
        headers=author,
        files={"file": ("停水范围.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    file_id = upload.json()["id"]

    async def draft(body: dict[str, Any], who: dict[str, str] = author) -> Any:
        return await h.client.post(
            "/api/v1/notices", headers=who, json={"community_id": community, **body}
        )

    elsewhere = await draft(
        {"title": "停水", "body": "…", "places": [{"type": "building", "id": "b-not-here"}]}
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "notice.unknown_place"
    by_resident = await draft({"title": "我的公告", "body": "…"}, people["101"])
    assert by_resident.status_code == 403

    made = await draft(
        {
            "title": "12月10日停水通知",
            "body": "因管道检修，1号楼将于12月10日8:00至18:00停水，请提前储水。",
            "category": "outage",
            "places": [{"type": "building", "id": b1}],
            "pinned": True,
            "attachments": [file_id],
        }
    )
    assert made.status_code == 201, made.text
    notice = made.json()
    url = f"/api/v1/notices/{notice['id']}"
    assert notice["status_name"] == {"zh": "草稿", "en": "draft"}
    assert notice["category_name"] == {"zh": "停水停电", "en": "water or power cut"}

    async def step(who: dict[str, str], action: str, note: str = "") -> Any:
        return await h.client.post(
            f"{url}/steps", headers=who, json={"action": action, "note": note}
        )

    assert (await step(author, "submit")).status_code == 200
    own = await step(author, "approve")
    assert own.status_code == 403 and own.json()["code"] == "notice.own_notice"
    assert own.json()["detail"] == "公告须由发布人以外的人审核"
    assert (await h.client.get("/api/v1/notices", headers=people["101"])).json()["items"] == []
    published = await step(approver, "approve")
    assert published.status_code == 200, published.text
    assert published.json()["status_name"]["zh"] == "已发布"

    # a community-wide notice, published later and not pinned
    later = await draft({"title": "社区文明公约征求意见", "body": "欢迎居民提出意见。"})
    later_url = f"/api/v1/notices/{later.json()['id']}"
    await h.client.post(f"{later_url}/steps", headers=author, json={"action": "submit"})
    assert (
        await h.client.post(f"{later_url}/steps", headers=approver, json={"action": "approve"})
    ).status_code == 200

    board = (await h.client.get("/api/v1/notices", headers=people["101"])).json()
    assert [n["title"] for n in board["items"]] == ["12月10日停水通知", "社区文明公约征求意见"]
    other = (await h.client.get("/api/v1/notices", headers=people["201"])).json()
    assert [n["title"] for n in other["items"]] == ["社区文明公约征求意见"]
    assert (await h.client.get(url, headers=people["201"])).status_code == 404

    attachment = f"{url}/attachments/{file_id}"
    assert (await h.client.get(attachment, headers=people["201"])).status_code == 404
    got = await h.client.get(attachment, headers=people["102"])
    assert got.status_code == 200 and got.content == PDF
    # saved under the name it was uploaded with, and listed by that name on the notice
    assert got.headers["content-disposition"] == (
        'attachment; filename="____.pdf"; '
        "filename*=UTF-8''%E5%81%9C%E6%B0%B4%E8%8C%83%E5%9B%B4.pdf"
    )
    [on_board] = [n for n in board["items"] if n["id"] == notice["id"]]
    assert on_board["attachment_files"] == [
        {
            "id": file_id,
            "filename": "停水范围.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
        }
    ]
    assert notice["attachment_files"][0]["filename"] == "停水范围.pdf"  # the author's draft

    # read receipts: once per person, whatever the number of readings
    for _ in range(2):
        assert (await h.client.get(url, headers=people["101"])).status_code == 200
    unread = (await h.client.get(f"{url}/unread", headers=author)).json()
    assert (unread["audience"], unread["reads"], unread["total"]) == (2, 1, 1)
    assert [u["home"]["zh"] for u in unread["items"]] == ["1号楼1单元102室"]
    assert unread["items"][0]["role_name"]["zh"] == "租户"
    assert (await h.client.get(f"{url}/unread", headers=people["101"])).status_code == 403
    await h.client.get(url, headers=people["102"])
    unread = (await h.client.get(f"{url}/unread", headers=author)).json()
    assert (unread["audience"], unread["reads"], unread["items"]) == (2, 2, [])
    listed = (
        await h.client.get("/api/v1/notices", headers=author, params={"community_id": community})
    ).json()
    first = listed["items"][0]
    assert (first["title"], first["reads"], first["audience"]) == ("12月10日停水通知", 2, 2)

    # pushed to the residents of the building through the notification service
    requests = await h.read(
        NotificationRequestedV1,
        lambda found: any(e.data.get("correlation_id") == notice["id"] for e in found),
    )
    pushed = next(e.data for e in requests if e.data.get("correlation_id") == notice["id"])
    assert pushed["variables"]["title"] == "新公告：12月10日停水通知"
    assert pushed["variables"]["title_en"] == "New notice: 12月10日停水通知"
    assert {
        (r["role"], r["scope_type"], r["scope_id"]) for r in pushed["recipients"]["roles_in_scope"]
    } == {(role, "building", b1) for role in ("resident", "tenant", "family")}
    assert pushed["channels"] == ["inapp", "push"]

    no_reason = await step(author, "withdraw")
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "notice.reason_required"
    withdrawn = await step(author, "withdraw", "检修改期，另行通知")
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["status_name"]["zh"], withdrawn.json()["withdrawal_reason"]) == (
        "已撤回",
        "检修改期，另行通知",
    )
    board = (await h.client.get("/api/v1/notices", headers=people["101"])).json()
    assert [n["title"] for n in board["items"]] == ["社区文明公约征求意见"]
    events = await h.read(
        NoticeChangedV1,
        lambda found: any(
            e.data["notice_id"] == notice["id"] and e.data["status"] == "withdrawn" for e in found
        ),
    )
    mine = [e.data for e in events if e.data["notice_id"] == notice["id"]]
    assert [e["status"] for e in mine] == ["published", "withdrawn"]
    assert mine[0]["places"] == [{"type": "building", "id": b1}] and mine[0]["pinned"] is True


async def test_the_migrations_match_the_tables(harness: Harness) -> None:
    assert await model_drift(harness.settings.database_url, metadata) == []
