"""Issue 19 item 2: a device admin of one community need not name it when registering a
device or a provisioning profile, nor a reader of one community when counting devices;
a caller of several is told to name ``community_id`` (zh-CN first, no ids in the text),
a platform-wide caller too."""

from __future__ import annotations

from di_helpers import Harness

from sc_core.auth import Grant


async def test_the_community_follows_from_the_callers_one_grant(
    harness: Harness, community: str
) -> None:
    h = harness
    admin = h.admin(community)
    device = await h.client.post(
        "/api/v1/devices",
        json={"name": f"smoke-{community}", "device_type": "water_meter"},
        headers=admin,
    )
    assert device.status_code == 201, device.text
    assert device.json()["community_id"] == community
    profile = await h.client.post(
        "/api/v1/provision-profiles",
        json={"name": "meters", "device_type": "water_meter"},
        headers=admin,
    )
    assert profile.status_code == 201, profile.text
    assert profile.json()["community_id"] == community
    reader = h.user(Grant("property_staff", "community", community), sub="staff-1")
    stats = await h.client.get("/api/v1/device-stats", headers=reader)
    assert stats.status_code == 200, stats.text
    assert (stats.json()["community_id"], stats.json()["offline"]) == (community, 1)
    # a community named is still checked against the caller's places
    foreign = await h.client.get(
        "/api/v1/device-stats", headers=reader, params={"community_id": "c-not-mine"}
    )
    assert foreign.status_code == 200 and foreign.json()["offline"] == 0


async def test_a_caller_of_several_communities_is_told_to_name_one(
    harness: Harness, community: str
) -> None:
    h = harness
    other = f"{community}-b"
    two = h.user(
        Grant("community_admin", "community", community),
        Grant("community_admin", "community", other),
        sub="admin-2",
    )
    admin = h.issuer.bearer("root-1", roles=["platform_admin"])
    calls = (
        ("POST", "/api/v1/devices", {"name": f"m-{community}", "device_type": "water_meter"}),
        ("POST", "/api/v1/provision-profiles", {"name": "p", "device_type": "water_meter"}),
        ("GET", "/api/v1/device-stats", None),
    )
    for headers, code, choices in (
        (two, "place.ambiguous", sorted([community, other])),
        (admin, "place.required", []),
    ):
        for method, path, body in calls:
            r = await h.client.request(method, path, headers=headers, json=body)
            assert r.status_code == 422, (path, r.text)
            problem = r.json()
            assert (problem["code"], problem["field"], problem["choices"]) == (
                code,
                "community_id",
                choices,
            )
            assert problem["detail"] == problem["messages"]["zh-CN"]  # zh-CN first
            assert "community_id" in problem["detail"]
            assert community not in problem["detail"]  # never an id in the text
    listed = await h.client.get("/api/v1/devices", headers=two)
    assert listed.status_code == 200 and listed.json()["total"] == 0  # nothing was created
