"""The welfare routes without ``community_id`` (issue 19 item 2): an officer of one
community need not name it; an officer of several is told to name one, by the
communities' names, never their ids; a platform-wide caller is told the field."""

from __future__ import annotations

from gov_affairs_helpers import Harness
from sc_core.auth import Grant


async def test_an_officer_of_one_community_need_not_name_it(
    harness: Harness, community: str
) -> None:
    h = harness
    officer = h.staff(community, f"officer-{community}", "gov_officer")
    reg = await h.client.get("/api/v1/welfare/register", headers=officer)
    assert reg.status_code == 200, reg.text
    assert reg.json()["total"] == 0
    run = await h.client.post(
        "/api/v1/welfare/payments", headers=officer, json={"month": "2026-11"}
    )
    assert run.status_code == 200, run.text
    assert run.json() == {"recorded": 0}
    stats = await h.client.get(
        "/api/v1/welfare/statistics", headers=officer, params={"month": "2026-11"}
    )
    assert stats.status_code == 200, stats.text
    assert stats.json() == []
    # naming the community still works, and still only for one's own
    named = await h.client.get(
        "/api/v1/welfare/register", headers=officer, params={"community_id": community}
    )
    assert named.status_code == 200, named.text
    other = await h.client.get(
        "/api/v1/welfare/register", headers=officer, params={"community_id": "c-not-mine"}
    )
    assert other.status_code == 403, other.text


async def test_an_officer_of_several_communities_is_told_to_name_one(
    harness: Harness, community: str
) -> None:
    h = harness
    two = h.issuer.bearer(
        f"officer-two-{community}",
        grants=[
            Grant("gov_officer", "community", community),
            Grant("gov_officer", "community", f"{community}-b"),
        ],
    )
    admin = h.issuer.bearer(f"root-{community}", roles=["platform_admin"])
    calls = (
        ("GET", "/api/v1/welfare/register", {}, None),
        ("POST", "/api/v1/welfare/payments", {}, {"month": "2026-11"}),
        ("GET", "/api/v1/welfare/statistics", {"month": "2026-11"}, None),
    )
    for headers, code, choices in (
        (two, "place.ambiguous", sorted([community, f"{community}-b"])),
        (admin, "place.required", []),
    ):
        for method, path, params, body in calls:
            r = await h.client.request(method, path, headers=headers, params=params, json=body)
            assert r.status_code == 422, (path, r.text)
            problem = r.json()
            assert (problem["code"], problem["field"], problem["choices"]) == (
                code,
                "community_id",
                choices,
            )
            assert problem["detail"] == problem["messages"]["zh-CN"]  # zh-CN first
            assert "community_id" in problem["detail"]
            assert community not in problem["detail"]  # places are named, never by id
            assert "community_id" in problem["messages"]["en"]
