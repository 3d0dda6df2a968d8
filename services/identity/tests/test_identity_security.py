"""Issue 30 findings in identity, each attack replayed and refused (11, 12, 14)."""

from __future__ import annotations

from identity_kit import IdentityKit


async def test_attacks_of_issue_30_on_the_register_are_refused(kit: IdentityKit) -> None:
    # 30.11: null for a field that may not be empty was a 500 (NOT NULL in the database)
    building = kit.ids["building1"]
    community = kit.ids["community"]
    for path, body, field in (
        (f"/api/v1/buildings/{building}", {"floors": None}, "floors"),
        (f"/api/v1/buildings/{building}", {"name": None}, "name"),
        (f"/api/v1/communities/{community}", {"name": None}, "name"),
    ):
        refused = await kit.as_("platform_admin", "PATCH", path, json=body)
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["code"] == "request.validation_failed"
        assert [e["field"] for e in problem["errors"]] == [f"body.{field}"]
        assert problem["errors"][0]["type"] == "not_null"
    changed = await kit.as_(
        "platform_admin", "PATCH", f"/api/v1/buildings/{building}", json={"floors": 7}
    )
    assert changed.status_code == 200 and changed.json()["floors"] == 7
    cleared = await kit.as_(
        "platform_admin", "PATCH", f"/api/v1/communities/{community}", json={"address": None}
    )
    assert cleared.status_code == 200  # a field that may be empty is still cleared with null

    # 30.12: a tenant registered a person as the flat's owner
    home = str(kit.ids["household2-1-101"])
    owner = {"name": "冒名业主", "household_id": home, "relation": "owner"}
    refused = await kit.as_("tenant", "POST", "/api/v1/persons", json=owner)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "person.relation_not_allowed"
    assert refused.json()["detail"] == "租户不能将他人登记为本户业主"  # zh-CN first
    english = await kit.as_(
        "tenant", "POST", "/api/v1/persons", json=owner, headers={"Accept-Language": "en-GB"}
    )
    assert english.json()["detail"] == "A tenant may not register anyone as the household's owner"
    family = {**owner, "name": "租户家属", "relation": "family"}
    created = await kit.as_("tenant", "POST", "/api/v1/persons", json=family)
    assert created.status_code == 201, created.text
    moved = await kit.as_(
        "tenant",
        "POST",
        f"/api/v1/persons/{created.json()['id']}/move-in",
        json={"household_id": home, "relation": "owner"},
    )
    assert moved.status_code == 403 and moved.json()["code"] == "person.relation_not_allowed"
    by_staff = await kit.as_("community_admin", "POST", "/api/v1/persons", json=owner)
    assert by_staff.status_code == 201, by_staff.text  # the register's staff may

    # 30.14: every demo account shared one argon2 hash and salt
    hashes = [row[0] for row in await kit.sql("SELECT password_hash FROM accounts")]
    salts = [h.split("$")[4] for h in hashes]
    assert len(hashes) >= 17 and len(set(hashes)) == len(hashes)
    assert len(set(salts)) == len(salts)
