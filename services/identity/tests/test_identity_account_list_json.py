"""The accounts list is read as rows and serialised once (ADR 0080): every listed account
is what ``AccountRead`` makes of the same account and its grants as a list shows it (the
mobile masked for every role, but the caller's own), for a community admin and a platform
admin, and the page keeps its paging."""

from __future__ import annotations

import uuid
from typing import Any

import jwt
from identity.auth import accounts as acc
from identity.auth.schemas import AccountRead, GrantRead
from identity.db.auth import Account
from identity_kit import IdentityKit

from sc_core.auth import Principal
from sc_core.privacy import mask_listed

MOBILE = "13912345678"


async def principal_of(kit: IdentityKit, username: str) -> Principal:
    claims = jwt.decode(await kit.token(username), options={"verify_signature": False})
    return Principal.from_claims(claims)


async def expected(kit: IdentityKit, item: dict[str, Any], principal: Principal) -> Any:
    async with kit.db.uow() as uow:
        account = await uow.session.get(Account, uuid.UUID(item["id"]))
        assert account is not None
        grants = (await acc.grants_of(uow, [account.id]))[account.id]
        model = AccountRead.model_validate(account).model_copy(
            update={"grants": [GrantRead.model_validate(g) for g in grants]}
        )
        own = str(account.id) == principal.subject
        listed = mask_listed(model, principal.grade, self_or_household=own)
        return listed.model_dump(mode="json")


async def test_a_listed_account_is_what_its_read_model_makes_of_it(kit: IdentityKit) -> None:
    community = str(kit.ids["community"])
    body = {
        "username": "json-listed",
        "display_name": "列表核对 List check",
        "password": "long-enough-1",
        "mobile": MOBILE,
        "grants": [
            {"role": "volunteer", "scope_type": "community", "scope_id": community},
            {
                "role": "resident",
                "scope_type": "household",
                "scope_id": str(kit.ids["household1-1-101"]),
            },
        ],
    }
    created = await kit.as_("community_admin", "POST", "/api/v1/accounts", json=body)
    assert created.status_code == 201, created.text
    # the community admin's own mobile: the one a list shows in clear, to its owner only
    admin = kit.ids["account:community_admin"]
    async with kit.db.uow() as uow:
        mine = await uow.session.get(Account, admin)
        assert mine is not None
        acc.set_mobile(mine, "13987654321")
        await uow.commit()

    for role in ("community_admin", "platform_admin"):
        principal = await principal_of(kit, role)
        r = await kit.as_(role, "GET", "/api/v1/accounts", params={"limit": 100})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/json"
        page = r.json()
        items = page["items"]
        assert page["total"] == len(items) and page["next_offset"] is None
        by_name = {i["username"]: i for i in items}
        listed = by_name["json-listed"]
        assert listed["mobile"] and listed["mobile"] != MOBILE  # masked for every role
        assert [g["role"] for g in listed["grants"]] == ["volunteer", "resident"]
        for item in items:
            assert item == await expected(kit, item, principal), (role, item["username"])
    # the community admin's own account: its mobile in clear, to itself only
    own = await kit.as_("community_admin", "GET", "/api/v1/accounts", params={"limit": 100})
    shown = {i["username"]: i["mobile"] for i in own.json()["items"]}
    assert shown["community_admin"] == "13987654321"
    platform = await kit.as_("platform_admin", "GET", "/api/v1/accounts", params={"limit": 100})
    assert {i["username"]: i["mobile"] for i in platform.json()["items"]}["community_admin"] != (
        "13987654321"
    )

    # a page shorter than the list keeps its paging
    first = await kit.as_("community_admin", "GET", "/api/v1/accounts", params={"limit": 2})
    page = first.json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2 and page["next_cursor"]
    after = await kit.as_(
        "community_admin",
        "GET",
        "/api/v1/accounts",
        params={"limit": 2, "cursor": page["next_cursor"]},
    )
    names = [i["username"] for i in own.json()["items"]]
    assert [i["username"] for i in page["items"] + after.json()["items"]] == names[:4]
