"""The authorisation matrix: every route of identity × every role (and no token), through
the real app with real tokens, on the demo community. Each role's account holds the demo
grant of its name (community, grid 1 = building 1, household 1-1-101 for resident and
family, 2-1-101 for the tenant, platform for platform_admin and auditor). A request is
expected to pass (its success status) for exactly the roles listed, and to be refused with
403 for every other role and 401 without a token."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import Response
from identity.roles import ROLES
from identity_kit import PASSWORD, IdentityKit
from matrix_setup import Fixtures
from openpyxl import Workbook

ALL = frozenset(ROLES)
PLACE_READERS = frozenset(
    {
        "platform_admin",
        "community_admin",
        "gov_officer",
        "police",
        "property_manager",
        "property_staff",
        "grid_worker",
    }
)
PLACE_WRITERS = frozenset({"platform_admin", "community_admin", "property_manager"})
# who imports a building's households and residents (usecases/resident_import.py)
REGISTER_KEEPERS = frozenset({"platform_admin", "community_admin", "grid_worker"})
ADMINS = frozenset({"platform_admin", "community_admin"})
HOME_A = frozenset({"resident", "family"})  # household 1-1-101, building 1
HOUSEHOLD = HOME_A | {"tenant"}
# who decides a request to join a household of the demo community (an owner's, here)
DECIDERS = frozenset({"platform_admin", "community_admin", "property_staff", "property_manager"})
JOIN_2_2_302 = {
    "community_code": "DEMO-001",
    "building_code": "2",
    "unit_code": "2",
    "room_code": "302",
}
PERSON_WRITERS = frozenset({"platform_admin", "community_admin", "grid_worker", "resident"})
STAFF_PASSES = frozenset({"property_staff", "property_manager", "community_admin"})
PUBLIC = "public"

Setup = Callable[[Fixtures], Awaitable[dict[str, Any]]]


@dataclass
class Case:
    method: str
    path: str
    allowed: frozenset[str] | str
    ok: int = 200
    setup: Setup | None = None  # returns {"path": {...}, "json": ...}; re-run after success
    json: Any = None
    params: dict[str, str] = field(default_factory=dict)
    special: dict[str | None, int] = field(default_factory=dict)  # role -> status (not authz)
    consumes: bool = True  # a success uses the set-up object up
    content: bytes | None = None  # a body that is not JSON (a CSV file)


def _workbook(rows: list[list[str]]) -> bytes:
    """An .xlsx file of one sheet holding ``rows``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def cases(f: Fixtures) -> list[Case]:
    i = f.kit.ids
    c, b1, g1 = i["community"], i["building1"], i["grid1"]
    ha, u11, r11 = i["household1-1-101"], i["unit1-1"], i["room1-1-101"]
    zw, door_b1 = i["person:张伟"], i["door:b1"]
    return [
        Case(
            "POST", "/api/v1/auth/token", PUBLIC, json={"username": "police", "password": PASSWORD}
        ),
        Case("POST", "/api/v1/auth/logout", ALL, ok=204, special={None: 400}),  # needs a token
        Case("POST", "/api/v1/auth/sms-codes", PUBLIC, ok=202, setup=f.sms_code_body),
        Case("POST", "/api/v1/auth/sms-login", PUBLIC, setup=f.sms_login_body),
        # WeChat login is off in these tests (test_identity_wechat runs it against WeChat)
        Case("POST", "/api/v1/auth/wechat-login", PUBLIC, ok=404, json={"code": "js-code"}),
        Case("GET", "/api/v1/dev/sms-sink", {"platform_admin"}),
        Case("GET", "/.well-known/openid-configuration", PUBLIC),
        Case("GET", "/.well-known/jwks.json", PUBLIC),
        # the hosted login page: without a client's request it explains, never redirects
        Case("GET", "/oauth2/authorize", PUBLIC, ok=400),
        Case("POST", "/oauth2/authorize", PUBLIC, ok=422),  # a form with no transaction
        Case("GET", "/oauth2/logout", PUBLIC),  # no ID token hint: a "signed out" page
        Case("GET", "/oauth2/userinfo", ALL),
        Case("POST", "/oauth2/userinfo", ALL),
        Case("GET", "/api/v1/oidc/clients", {"platform_admin"}),
        Case(
            "POST",
            "/api/v1/oidc/clients",
            {"platform_admin"},
            ok=201,
            json={"name": "合作方", "redirect_uris": ["https://partner.example.com/cb"]},
        ),
        Case(
            "GET",
            "/api/v1/oidc/clients/00000000-0000-4000-8000-000000000000",
            {"platform_admin"},
            ok=404,
        ),
        Case(
            "PATCH",
            "/api/v1/oidc/clients/00000000-0000-4000-8000-000000000000",
            {"platform_admin"},
            ok=404,
            json={"name": "x"},
        ),
        Case("GET", "/api/v1/me", ALL),
        Case(
            "POST",
            "/api/v1/me/password",
            ALL,
            ok=204,
            special={"integrator": 404},
            json={"current_password": PASSWORD, "new_password": PASSWORD},
        ),
        Case("GET", "/api/v1/auth/keys", {"platform_admin"}),  # type: ignore[arg-type]
        Case("POST", "/api/v1/auth/keys/rotate", {"platform_admin"}, ok=201),  # type: ignore[arg-type]
        Case("POST", "/api/v1/accounts", ADMINS, ok=201, setup=f.account_body),
        Case("GET", "/api/v1/accounts", ADMINS),
        Case("GET", f"/api/v1/accounts/{i['account:resident']}", ADMINS),
        Case(
            "PATCH",
            f"/api/v1/accounts/{i['account:volunteer']}",
            ADMINS,
            json={"display_name": "volunteer"},
        ),
        Case("POST", f"/api/v1/accounts/{i['account:volunteer']}/unlock", ADMINS),
        Case(  # a reveal: roles whose grade covers a mobile (not platform_admin's)
            "POST",
            f"/api/v1/accounts/{i['account:resident']}/reveal",
            {"community_admin"},  # type: ignore[arg-type]
            json={"field": "mobile", "purpose": "核实身份 verify identity"},
        ),
        Case("POST", "/api/v1/service-accounts", {"platform_admin"}, ok=201, setup=f.service_body),  # type: ignore[arg-type]
        Case("GET", "/api/v1/grants", ADMINS),
        Case("POST", "/api/v1/grants", ADMINS, ok=201, setup=f.grant_body),
        Case("DELETE", "/api/v1/grants/{id}", ADMINS, ok=204, setup=f.grant),
        Case("GET", "/api/v1/communities", PLACE_READERS),
        Case("POST", "/api/v1/communities", {"platform_admin"}, ok=201, setup=f.community_body),  # type: ignore[arg-type]
        Case("GET", f"/api/v1/communities/{c}", PLACE_READERS | HOUSEHOLD),  # their own
        Case(
            "PATCH", f"/api/v1/communities/{c}", ADMINS, json={"address": "示范市示范区幸福路1号"}
        ),
        Case("GET", "/api/v1/grids", PLACE_READERS),
        Case("POST", "/api/v1/grids", ADMINS, ok=201, setup=f.grid_body),
        Case("GET", f"/api/v1/grids/{g1}", PLACE_READERS),
        Case("PATCH", f"/api/v1/grids/{g1}", ADMINS, json={"name": "第1网格"}),
        Case("DELETE", "/api/v1/grids/{id}", ADMINS, ok=204, setup=f.grid),
        Case("GET", "/api/v1/buildings", PLACE_READERS),
        Case("POST", "/api/v1/buildings", PLACE_WRITERS, ok=201, setup=f.building_body),
        Case("GET", f"/api/v1/buildings/{b1}", PLACE_READERS | HOME_A),
        Case("PATCH", f"/api/v1/buildings/{b1}", PLACE_WRITERS, json={"name": "1号楼"}),
        Case("DELETE", "/api/v1/buildings/{id}", PLACE_WRITERS, ok=204, setup=f.building),
        Case(
            "POST",
            "/api/v1/buildings/{id}/floor-plan",
            PLACE_WRITERS,
            ok=201,
            setup=f.building,
            json={"units": ["1"], "rooms_per_floor": 1},
        ),
        Case("GET", f"/api/v1/buildings/{b1}/rooms.csv", PLACE_READERS),
        Case("GET", f"/api/v1/buildings/{b1}/residents.csv", PLACE_READERS),
        Case(  # the first writer adds the room, the others find it unchanged
            "POST",
            f"/api/v1/buildings/{b1}/rooms.csv",
            PLACE_WRITERS,
            content="单元,楼层,房号\n2,6,609\n".encode(),
        ),
        Case(  # the same, as the office's Excel workbook
            "POST",
            f"/api/v1/buildings/{b1}/rooms.xlsx",
            PLACE_WRITERS,
            content=_workbook([["单元", "楼层", "房号"], ["2", "6", "610"]]),
        ),
        Case("GET", f"/api/v1/buildings/{b1}/rooms.xlsx", PLACE_READERS),
        Case("GET", f"/api/v1/buildings/{b1}/residents.xlsx", PLACE_READERS),
        Case(  # the first keeper of the register adds the person, the others find them
            "POST",
            f"/api/v1/buildings/{b1}/residents.csv",
            REGISTER_KEEPERS,
            content="单元,房号,户名,姓名,与户关系\n1,101,1-1-101,张小红,家庭成员\n".encode(),
        ),
        Case(
            "POST",
            f"/api/v1/buildings/{b1}/residents.xlsx",
            REGISTER_KEEPERS,
            content=_workbook(
                [
                    ["单元", "房号", "户名", "姓名", "与户关系"],
                    ["1", "101", "1-1-101", "张小兰", "家庭成员"],
                ]
            ),
        ),
        Case("GET", "/api/v1/units", PLACE_READERS),
        Case("POST", "/api/v1/units", PLACE_WRITERS, ok=201, setup=f.unit_body),
        Case("GET", f"/api/v1/units/{u11}", PLACE_READERS | HOME_A),
        Case("PATCH", f"/api/v1/units/{u11}", PLACE_WRITERS, json={"name": "1单元"}),
        Case("DELETE", "/api/v1/units/{id}", PLACE_WRITERS, ok=204, setup=f.unit),
        Case("GET", "/api/v1/rooms", PLACE_READERS),
        Case("POST", "/api/v1/rooms", PLACE_WRITERS, ok=201, setup=f.room_body),
        Case("GET", f"/api/v1/rooms/{r11}", PLACE_READERS | HOME_A),
        Case(
            "PATCH", f"/api/v1/rooms/{r11}", PLACE_WRITERS, json={"rental_status": "owner_occupied"}
        ),
        Case("DELETE", "/api/v1/rooms/{id}", PLACE_WRITERS, ok=204, setup=f.room),
        Case("GET", f"/api/v1/rooms/{r11}/occupants", PLACE_READERS | HOME_A),
        Case("GET", "/api/v1/households", PLACE_READERS | HOUSEHOLD),
        Case(
            "POST",
            "/api/v1/households",
            ADMINS | {"grid_worker"},
            ok=201,
            json={"room_id": str(i["room1-2-201"])},
        ),
        Case("GET", f"/api/v1/households/{ha}", PLACE_READERS | HOME_A),
        Case(
            "PATCH", f"/api/v1/households/{ha}", ADMINS | {"grid_worker"}, json={"name": "1-1-101"}
        ),
        Case("GET", "/api/v1/persons", PLACE_READERS | HOUSEHOLD),
        Case("POST", "/api/v1/persons", PERSON_WRITERS, ok=201, setup=f.person_body),
        Case("GET", f"/api/v1/persons/{zw}", PLACE_READERS | HOME_A),
        Case("PATCH", f"/api/v1/persons/{zw}", PERSON_WRITERS, json={"gender": "male"}),
        Case("POST", "/api/v1/persons/{id}/move-in", PERSON_WRITERS, setup=f.move_in),
        Case("POST", "/api/v1/persons/{id}/move-out", PERSON_WRITERS, setup=f.move_out),
        Case("GET", f"/api/v1/persons/{zw}/residencies", PLACE_READERS | HOME_A),
        Case(
            "POST",
            f"/api/v1/persons/{zw}/reveal",
            (PLACE_READERS - {"platform_admin"}) | HOME_A,
            json={"field": "phone", "purpose": "联系住户 call the resident"},
        ),
        Case("GET", "/api/v1/doors", PLACE_READERS | HOUSEHOLD),
        Case("POST", "/api/v1/doors", PLACE_WRITERS, ok=201, setup=f.door_body),
        Case("GET", f"/api/v1/doors/{door_b1}", PLACE_READERS | HOME_A),
        Case("DELETE", "/api/v1/doors/{id}", PLACE_WRITERS, ok=204, setup=f.door),
        Case(
            "POST",
            f"/api/v1/doors/{door_b1}/open",
            HOME_A
            | {"property_staff", "property_manager", "community_admin", "police", "grid_worker"},
            ok=202,
        ),
        Case(
            "POST",
            "/api/v1/visitor-passes",
            HOME_A,
            ok=201,
            json={"household_id": str(ha), "visitor_name": "访客甲", "valid_until": in_days(1)},
        ),
        Case("GET", "/api/v1/visitor-passes", HOUSEHOLD | STAFF_PASSES),
        Case(
            "GET",
            "/api/v1/visitor-passes/{id}",
            HOME_A | STAFF_PASSES,
            setup=f.visitor_pass,
            consumes=False,
        ),
        Case(
            "POST",
            "/api/v1/visitor-passes/{id}/reveal",
            HOME_A | STAFF_PASSES,
            setup=f.visitor_pass,
            consumes=False,
            json={"field": "visitor_phone", "purpose": "联系访客 call the visitor"},
        ),
        Case(
            "DELETE",
            "/api/v1/visitor-passes/{id}",
            HOME_A | STAFF_PASSES,
            ok=204,
            setup=f.visitor_pass,
        ),
        Case("POST", "/api/v1/visitor-passes/verify", PUBLIC, setup=f.verify_body, consumes=False),
        Case("POST", "/api/v1/signup", PUBLIC, ok=201, setup=f.signup_body),
        Case(  # every person's account may ask (to join a flat of the other building)
            "POST",
            "/api/v1/join-requests",
            ALL - {"integrator"},
            ok=201,
            json={**JOIN_2_2_302, "relation": "family", "name": "申请人"},
        ),
        Case("GET", "/api/v1/join-requests", ALL),  # one's own, at least
        Case(  # the flat's owner (the resident account) or the property
            "POST",
            f"/api/v1/households/{ha}/invitations",
            DECIDERS | {"resident"},
            ok=201,
            json={"relation": "family"},
        ),
        Case(
            "POST",
            "/api/v1/join-requests/by-invitation",
            ALL - {"integrator"},
            ok=201,
            setup=f.invitation,
        ),
        Case("POST", "/api/v1/join-requests/{id}/approve", DECIDERS, setup=f.join_request),
        Case(
            "POST",
            "/api/v1/join-requests/{id}/reject",
            DECIDERS,
            setup=f.join_request,
            json={"reason": "房屋信息不符 the flat does not match"},
        ),
        Case(
            "GET",
            "/api/v1/passages",
            {"police", "community_admin"},  # type: ignore[arg-type]
            params={"from": in_days(-1), "to": in_days(1)},
        ),
    ]


async def run_case(
    f: Fixtures, case: Case, headers: dict[str, str], prepared: dict[str, Any]
) -> Response:
    path = case.path.format(**prepared.get("path", {}))
    if case.content is not None:
        headers = {**headers, "Content-Type": "text/csv"}
        return await f.kit.client.request(
            case.method, path, headers=headers, params=case.params, content=case.content
        )
    return await f.kit.client.request(
        case.method,
        path,
        headers=headers,
        params=case.params,
        json=prepared.get("json", case.json),
    )


def expected(case: Case, role: str | None) -> int:
    if role in case.special:
        return case.special[role]
    if case.allowed == PUBLIC:
        return case.ok
    if role is None:
        return 401
    return case.ok if role in case.allowed else 403


async def test_every_route_for_every_role(kit: IdentityKit) -> None:
    f = Fixtures(kit)
    table = cases(f)
    documented = {
        (m.upper(), _norm(p)) for p, ops in kit.app.openapi()["paths"].items() for m in ops
    }
    covered = {(c.method, _norm(c.path)) for c in table}
    assert documented - covered == set(), "routes missing from the matrix"
    tokens = {role: await kit.auth(role) for role in ROLES}
    wrong: list[str] = []
    for case in table:
        prepared = await case.setup(f) if case.setup else {}
        for role in [None, *ROLES]:
            response = await run_case(f, case, tokens[role] if role else {}, prepared)
            want = expected(case, role)
            if response.status_code != want:
                wrong.append(
                    f"{case.method} {case.path} as {role}: {response.status_code} "
                    f"(expected {want}) {response.text[:160]}"
                )
            elif want == 403 and response.headers["content-type"] != "application/problem+json":
                wrong.append(f"{case.method} {case.path} as {role}: 403 is not problem+json")
            if response.status_code < 300 and case.setup is not None and case.consumes:
                prepared = await case.setup(f)  # the object was used up: a fresh one
    assert wrong == [], "\n" + "\n".join(wrong)


def _norm(path: str) -> str:
    """A path with every id or parameter as ``{}``, to compare cases with route templates."""
    return re.sub(
        r"\{[^}]+\}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{}", path
    )
