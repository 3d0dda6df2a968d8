"""A community admin's accounts: the count read from the grants (ADR 0066 h-lid) is the
list's own: every account holding a grant in the community once, however many grants it
holds there, and none without one. The list itself is read from the grants too (ADR 0075):
in username order, paged by offset or cursor, a prefix searched, and an account given a
grant later is listed."""

from __future__ import annotations

from typing import Any

from identity_kit import IdentityKit


async def listed(kit: IdentityKit, role: str, **params: Any) -> dict[str, Any]:
    response = await kit.as_(role, "GET", "/api/v1/accounts", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_count_is_each_account_with_a_grant_in_the_community_once(
    kit: IdentityKit,
) -> None:
    home = {"role": "resident", "scope_type": "household"}
    twice = {
        "username": "two-grants",
        "display_name": "两项授权",
        "password": "long-enough-1",
        "grants": [
            {**home, "scope_id": str(kit.ids["household1-1-101"])},
            {"role": "volunteer", "scope_type": "community", "scope_id": str(kit.ids["community"])},
        ],
    }
    created = await kit.as_("community_admin", "POST", "/api/v1/accounts", json=twice)
    assert created.status_code == 201, created.text
    alone = {"username": "no-grants", "display_name": "无授权", "password": "long-enough-1"}
    created = await kit.as_("platform_admin", "POST", "/api/v1/accounts", json=alone)
    assert created.status_code == 201, created.text

    everyone = await listed(kit, "community_admin", limit=100)
    names = [a["username"] for a in everyone["items"]]
    assert "two-grants" in names and "no-grants" not in names
    assert len(names) == len(set(names)) == everyone["total"]
    assert names == sorted(names)  # by username, as before
    # a page shorter than the list: the total is counted, and it is the same
    first = await listed(kit, "community_admin", limit=2)
    assert [a["username"] for a in first["items"]] == names[:2]
    assert first["total"] == len(names) and first["total_exact"] is True
    assert first["next_offset"] == 2
    # the platform admin's list holds both, the community admin's only the one in it
    platform = await listed(kit, "platform_admin", limit=100)
    assert {"two-grants", "no-grants"} <= {a["username"] for a in platform["items"]}
    assert platform["total"] > len(names)


async def test_the_list_pages_by_cursor_searches_a_prefix_and_follows_new_grants(
    kit: IdentityKit,
) -> None:
    community = {
        "role": "volunteer",
        "scope_type": "community",
        "scope_id": str(kit.ids["community"]),
    }
    for name in ("vx_a", "vx.b", "vxc"):
        body = {"username": name, "display_name": "志愿者", "password": "long-enough-1"}
        created = await kit.as_(
            "community_admin", "POST", "/api/v1/accounts", json={**body, "grants": [community]}
        )
        assert created.status_code == 201, created.text
    later = {"username": "vx-later", "display_name": "后来的志愿者", "password": "long-enough-1"}
    created = await kit.as_("platform_admin", "POST", "/api/v1/accounts", json=later)
    assert created.status_code == 201, created.text
    before = await listed(kit, "community_admin", limit=100)
    assert "vx-later" not in {a["username"] for a in before["items"]}
    granted = await kit.as_(
        "community_admin",
        "POST",
        "/api/v1/grants",
        json={**community, "account_id": created.json()["id"]},
    )
    assert granted.status_code == 201, granted.text

    everyone = await listed(kit, "community_admin", limit=100)
    names = [a["username"] for a in everyone["items"]]
    assert "vx-later" in names and names == sorted(names)
    # page by page through the cursor: the same accounts in the same order, each once
    walked: list[str] = []
    page = await listed(kit, "community_admin", limit=3)
    while True:
        walked += [a["username"] for a in page["items"]]
        if not page["next_cursor"]:
            break
        page = await listed(kit, "community_admin", limit=3, cursor=page["next_cursor"])
    assert walked == names
    # a prefix is a prefix: '_' is the character typed, not LIKE's wildcard
    underscore = await listed(kit, "community_admin", username="vx_")
    assert [a["username"] for a in underscore["items"]] == ["vx_a"]
    found = await listed(kit, "community_admin", username="vx")
    assert [a["username"] for a in found["items"]] == ["vx-later", "vx.b", "vx_a", "vxc"]
    assert found["total"] == 4
    # the platform admin's list pages by cursor too, in username order
    first = await listed(kit, "platform_admin", limit=2)
    second = await listed(kit, "platform_admin", limit=2, cursor=first["next_cursor"])
    both = [a["username"] for a in first["items"] + second["items"]]
    assert both == sorted(both) and len(set(both)) == 4
