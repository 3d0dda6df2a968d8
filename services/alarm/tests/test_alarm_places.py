"""Issue 19 item 2: a resident raises an SOS without ids (their one household, its
community from the place directory); staff of one community raise an alarm and read the
alarm overview without naming it; staff of several are told to name ``community_id``,
the communities by name, never by id."""

from __future__ import annotations

import uuid
from typing import Any

from alarm_helpers import Devices, Harness, wait_for
from sc_core.auth import Grant


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


async def sos(h: Harness, headers: dict[str, str], **body: Any) -> Any:
    body = {"alarm_type": "sos", "severity": "critical", "title": "求助", **body}
    return await h.client.post("/api/v1/alarms", json=body, headers=headers)


async def test_the_places_of_an_alarm_follow_from_the_caller(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    flat = {"household_id": _id("h"), "building_id": _id("b"), "unit_id": _id("u"),
            "room_id": _id("r")}  # fmt: skip
    await devices.household_placed(
        flat["household_id"], flat["building_id"], flat["unit_id"], flat["room_id"],
        community_name="幸福里社区",
    )  # fmt: skip

    async def projected() -> bool:
        rows = await h.sql(
            "SELECT count(*) FROM household_places WHERE household_id = :h",
            h=flat["household_id"],
        )
        return int(rows[0][0]) == 1

    await wait_for(projected)

    # the resident names nothing: their household, its community and its room
    me = h.resident(flat["household_id"], sub=_id("resident"))
    r = await sos(h, me)
    assert r.status_code == 201, r.text
    alarm = r.json()
    assert (alarm["community_id"], alarm["household_id"], alarm["room_id"]) == (
        community,
        flat["household_id"],
        flat["room_id"],
    )
    # staff of the community name nothing either
    staff = h.staff(community, sub=_id("admin"))
    r = await sos(h, staff, alarm_type="fire", title="楼道冒烟", building_id=flat["building_id"])
    assert r.status_code == 201, r.text
    assert r.json()["community_id"] == community
    r = await h.client.get("/api/v1/alarm-stats", headers=staff)
    assert r.status_code == 200, r.text

    # staff of two communities are told which field, the communities named, not their ids
    two = h.issuer.bearer(
        _id("admin-two"),
        grants=[
            Grant("community_admin", "community", community),
            Grant("community_admin", "community", f"{community}-b"),
        ],
    )
    for r in (
        await sos(h, two, alarm_type="fire", title="x"),
        await h.client.get("/api/v1/alarm-stats", headers=two),
    ):
        assert r.status_code == 422, r.text
        problem = r.json()
        assert (problem["code"], problem["field"], problem["choices"]) == (
            "place.ambiguous",
            "community_id",
            sorted([community, f"{community}-b"]),
        )
        assert problem["detail"] == (
            "您可在多个地点办理，请在 community_id 中指明其一：幸福里社区，及另外 1 处"
        )
        assert community not in problem["detail"]
