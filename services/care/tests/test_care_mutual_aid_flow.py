"""Mutual aid (邻里互助): an elder asks for help with her shopping; her neighbours see it on
the community's board without her name, flat or phone, a stranger from another community
does not; two neighbours take it at the same moment and the database lets one of them have
it; the taker sees who and where (audited), the elder is told who comes, confirms and
rates, the helper is thanked; a request nobody took expires and the elder is told; the
community's staff see every request of it on their board, masked, by status."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from care_helpers import Harness, eventually, read_events, send_model

from sc_contracts.events import HouseholdChangedV1, NotificationRequestedV1, Placement
from sc_core.auth import Grant


async def place(h: Harness, community: str, household: str, room: str) -> None:
    placement = Placement(
        community_id=community, building_id=f"b-{community}", unit_id=f"u-{community}",
        room_id=room, grid_id=f"G-{community}", community_name="幸福里社区",
        building_name="3号楼", unit_name="2单元", room_number=room[-3:],
    )  # fmt: skip
    await send_model(
        h.settings.kafka_bootstrap_servers, h.topic(HouseholdChangedV1.topic),
        HouseholdChangedV1(
            aggregate_id=household, household_id=household, change="created",
            placement=placement, member_count=1, status="active", changed_by="u-admin",
            changed_at=datetime.now(UTC),
        ),
        household,
    )  # fmt: skip


async def test_neighbours_help_an_elder_one_taker_at_a_time(
    harness: Harness, community: str
) -> None:
    h = harness
    other = f"{community}-far"
    homes = {"elder": f"h-{community}-502", "n1": f"h-{community}-301",
             "n2": f"h-{community}-201", "far": f"h-{other}-101"}  # fmt: skip
    for key, household in homes.items():
        await place(h, other if key == "far" else community, household, f"r-{household}")
    pid = f"p-{community}"

    async def opened() -> bool:
        r = await h.client.post(
            "/api/v1/care/people",
            json={"name": "王秀英", "birth_date": "1946-03-08", "gender": "female",
                  "household_id": homes["elder"], "person_id": pid, "user_id": f"u-{pid}",
                  "address": "幸福里社区3号楼2单元502室"},
            headers=h.doctor(community),
        )  # fmt: skip
        return r.status_code == 201

    assert await eventually(opened)
    elder = h.user(f"u-{pid}", scope=("household", homes["elder"]))
    n1 = h.issuer.bearer("u-n1", name="李明", grants=[Grant("resident", "household", homes["n1"])])
    n2 = h.issuer.bearer("u-n2", name="赵强", grants=[Grant("resident", "household", homes["n2"])])
    far = h.user("u-far", scope=("household", homes["far"]))

    wanted = datetime.now(UTC) + timedelta(hours=3)
    body = {"person_id": pid, "kind": "shopping", "wanted_at": wanted.isoformat(),
            "note": "买一袋米和一桶油", "phone": "13812345678"}  # fmt: skip
    r = await h.client.post("/api/v1/care/help-requests", json=body, headers=far)
    assert r.status_code == 404, r.text  # not hers to ask for
    r = await h.client.post("/api/v1/care/help-requests", json=body, headers=elder)
    assert r.status_code == 201, r.text
    asked = r.json()
    assert asked["status"] == "open" and asked["status_zh"] == "待接单"
    assert asked["kind_zh"] == "帮忙买菜购物" and asked["elder_name"] == "王秀英"

    # the board: masked for neighbours, nothing for a stranger from another community
    async def on_board() -> bool:
        r = await h.client.get("/api/v1/care/help-requests", headers=n1)
        return r.status_code == 200 and len(r.json()["items"]) == 1

    assert await eventually(on_board)
    r = await h.client.get("/api/v1/care/help-requests", headers=n1)
    seen = r.json()["items"][0]
    assert seen["masked"] is True and seen["elder_name"] == "王**"
    assert seen["address"] is None and seen["person_id"] is None
    assert seen["phone"] is None and seen["note"] == "买一袋米和一桶油"
    assert seen["place_zh"] == "幸福里社区 3号楼" and "502室" not in str(seen)
    assert "王秀英" not in str(seen) and "13812345678" not in str(seen)
    r = await h.client.get("/api/v1/care/help-requests", headers=far)
    assert r.status_code == 200 and r.json()["items"] == []
    one = f"/api/v1/care/help-requests/{asked['id']}"
    r = await h.client.get(one, headers=far)
    assert r.status_code == 404 and r.json()["code"] == "care.help_not_found"
    r = await h.client.post(f"{one}/take", headers=far)
    assert r.status_code == 404

    # two neighbours take it at the same moment: one has it, the other is told in words
    first, second = await asyncio.gather(
        h.client.post(f"{one}/take", headers=n1), h.client.post(f"{one}/take", headers=n2)
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409], (first, second)
    won, lost = (first, second) if first.status_code == 200 else (second, first)
    assert lost.json()["code"] == "care.help_not_open"
    assert lost.json()["messages"]["zh-CN"] == "这条求助已有人接单或已结束。"
    taker, name = ("u-n1", "李明") if won is first else ("u-n2", "赵强")
    helper = n1 if won is first else n2
    taken = won.json()
    assert taken["status"] == "taken" and taken["masked"] is False
    assert taken["elder_name"] == "王秀英" and taken["phone"] == "13812345678"
    assert taken["address"] == "幸福里社区3号楼2单元502室"
    assert taken["place_zh"] == "幸福里社区 3号楼2单元502室"
    r = await h.client.get(one, headers=helper)
    assert r.json()["elder_name"] == "王秀英" and r.json()["helper_name"] == name
    r = await h.client.get("/api/v1/care/help-requests?view=taken", headers=helper)
    assert [x["id"] for x in r.json()["items"]] == [asked["id"]]
    r = await h.client.get("/api/v1/care/help-requests", headers=n1)
    assert r.json()["items"] == []  # off the board once taken

    # only the elder (or who asked) confirms; a rating is 1 to 5
    r = await h.client.post(f"{one}/confirm", json={"rating": 5}, headers=helper)
    assert r.status_code == 409 and r.json()["code"] == "care.help_not_requester"
    r = await h.client.post(f"{one}/confirm", json={"rating": 6}, headers=elder)
    assert r.status_code == 422
    r = await h.client.post(f"{one}/confirm", json={"rating": 5, "thanks": "谢谢！"}, headers=elder)
    assert r.status_code == 200 and r.json()["status"] == "done", r.text
    assert r.json()["status_zh"] == "已完成" and r.json()["rating"] == 5
    r = await h.client.post(f"{one}/cancel", headers=elder)
    assert r.status_code == 409 and r.json()["code"] == "care.help_cannot_cancel"

    # a request nobody takes expires two hours after its time, and the elder hears so
    soon = datetime.now(UTC) + timedelta(minutes=30)
    r = await h.client.post("/api/v1/care/help-requests", headers=elder,
                            json={"person_id": pid, "kind": "chat",
                                  "wanted_at": soon.isoformat()})  # fmt: skip
    lonely = r.json()["id"]
    aid = h.app.state.usecases.mutual_aid
    assert await aid.expire(soon + timedelta(hours=1)) == 0
    assert await aid.expire(soon + timedelta(hours=3)) >= 1
    r = await h.client.get(f"/api/v1/care/help-requests/{lonely}", headers=elder)
    assert r.json()["status"] == "expired" and r.json()["status_zh"] == "已过期"
    r = await h.client.get("/api/v1/care/help-requests?view=asked", headers=elder)
    assert {x["id"] for x in r.json()["items"]} == {asked["id"], lonely}

    # the staff's board: every request of their community, masked, narrowed by status
    admin = h.user("u-aid-admin", "community_admin", ("community", community))
    board = "/api/v1/care/help-requests?view=board"
    r = await h.client.get(board, headers=admin)
    assert r.status_code == 200
    items = {x["id"]: x for x in r.json()["items"]}
    assert set(items) == {asked["id"], lonely}
    assert {x["elder_name"] for x in items.values()} == {"王**"}
    assert items[asked["id"]]["status_zh"] == "已完成" and items[asked["id"]]["phone"] is None
    r = await h.client.get(f"{board}&status=expired", headers=admin)
    assert [(x["id"], x["status_zh"]) for x in r.json()["items"]] == [(lonely, "已过期")]
    # a grid worker's grant is on the grid, not the community: the grid's community's board
    grid_worker = h.user("u-aid-grid", "grid_worker", ("grid", f"G-{community}"))
    r = await h.client.get(board, headers=grid_worker)
    assert r.status_code == 200 and {x["id"] for x in r.json()["items"]} == set(items)
    outsider = h.user("u-aid-admin-x", "community_admin", ("community", other))
    r = await h.client.get(board, headers=outsider)
    assert r.status_code == 200 and r.json()["items"] == []
    r = await h.client.get(board, headers=n1)  # a neighbour holds no staff role
    assert r.status_code == 200 and r.json()["items"] == []

    # each step told to the other side, in words, the board's notice without her name
    ids = {f"care:help:{asked['id']}:asked", f"care:help:{lonely}:expired"}
    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: ids <= {e.data["request_id"] for e in ev}
        and any(e.data["template"] == "care.help.thanked" for e in ev),
        settle=2.0,
    )  # fmt: skip
    mine = [e.data for e in found if e.data["request_id"].startswith("care:help:")]
    by_template = {d["template"]: d for d in mine}
    board = by_template["care.help.asked"]
    assert board["recipients"]["roles_in_scope"] == [
        {"role": "volunteer", "scope_type": "community", "scope_id": community}
    ]
    assert board["variables"]["building"] == "幸福里社区 3号楼"
    assert "王秀英" not in str(board) and "502室" not in str(board["variables"])
    came = by_template["care.help.taken"]
    assert came["recipients"]["user_ids"] == [f"u-{pid}"]
    assert came["variables"]["helper"] == name and came["variables"]["what"] == "帮忙买菜购物"
    thanked = by_template["care.help.thanked"]
    assert thanked["recipients"]["user_ids"] == [taker]
    assert thanked["variables"]["rating"] == "5" and thanked["variables"]["person"] == "王秀英"
    assert by_template["care.help.expired"]["recipients"]["user_ids"] == [f"u-{pid}"]
    assert len([d for d in mine if d["template"] == "care.help.taken"]) == 1

    # the taker's full read is audited
    audits = await read_events(
        h.settings.kafka_bootstrap_servers, h.settings.audit_topic,
        lambda ev: any(e.data.get("action") == "care.help.read"
                       and e.data.get("actor_id") == taker for e in ev),
    )  # fmt: skip
    assert any(e.data.get("action") == "care.help.take" for e in audits)
