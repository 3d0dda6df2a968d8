"""Fresh objects for the matrix's requests that use one up (deletes, moves, creates)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from identity_kit import IdentityKit

ADMIN = "platform_admin"


JOIN_1_1_101 = {
    "community_code": "DEMO-001",
    "building_code": "1",
    "unit_code": "1",
    "room_code": "101",
}


class Fixtures:
    def __init__(self, kit: IdentityKit) -> None:
        self.kit = kit
        self.n = itertools.count(1)

    def _code(self, prefix: str) -> str:
        return f"{prefix}{next(self.n)}"

    async def _create(self, path: str, body: dict[str, Any], as_: str = ADMIN) -> str:
        response = await self.kit.as_(as_, "POST", path, json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    # bodies of create requests -------------------------------------------------------
    async def account_body(self, _: Any = None) -> dict[str, Any]:
        grant = {
            "role": "resident",
            "scope_type": "household",
            "scope_id": str(self.kit.ids["household1-1-101"]),
        }
        return {
            "json": {
                "username": self._code("user"),
                "display_name": "新住户",
                "password": "long-enough-1",
                "grants": [grant],
            }
        }

    async def signup_body(self, _: Any = None) -> dict[str, Any]:
        mobile = f"139{next(self.n):08d}"
        code = await self.kit.sms_code(mobile, "signup")  # the code proves the number
        body = {"mobile": mobile, "password": "long-enough-1", "display_name": "新居民"}
        return {"json": body | {"sms_code": code}}

    async def sms_code_body(self, _: Any = None) -> dict[str, Any]:
        """A number that was sent no code yet (a number waits a minute between codes)."""
        return {"json": {"phone": f"137{next(self.n):08d}", "purpose": "signup"}}

    async def sms_login_body(self, _: Any = None) -> dict[str, Any]:
        """A new account's number and a fresh sign-in code for it."""
        mobile = f"136{next(self.n):08d}"
        body = {
            "username": self._code("sms"),
            "display_name": "短信住户",
            "password": "long-enough-1",
            "mobile": mobile,
        }
        await self._create("/api/v1/accounts", body)
        code = await self.kit.sms_code(mobile, "login")
        return {"json": {"phone": mobile, "code": code}}

    async def join_request(self, _: Any = None) -> dict[str, Any]:
        """A new resident's pending request to join 1-1-101 as its owner."""
        body = (await self.signup_body())["json"]
        response = await self.kit.client.post("/api/v1/signup", json=body)
        assert response.status_code == 201, response.text
        login = await self.kit.login(body["mobile"], body["password"])
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        asked = await self.kit.client.post(
            "/api/v1/join-requests",
            headers={"Authorization": f"Bearer {token}"},
            json=JOIN_1_1_101 | {"relation": "owner", "name": "新业主"},
        )
        assert asked.status_code == 201, asked.text
        return {"path": {"id": asked.json()["id"]}}

    async def invitation(self, _: Any = None) -> dict[str, Any]:
        """A fresh family invitation to household 1-2-201 (where no demo account lives)."""
        household = self.kit.ids["household1-2-201"]
        url = f"/api/v1/households/{household}/invitations"
        issued = await self.kit.as_(ADMIN, "POST", url, json={"relation": "family"})
        assert issued.status_code == 201, issued.text
        return {"json": {"code": issued.json()["code"], "name": "受邀家属"}}

    async def service_body(self, _: Any = None) -> dict[str, Any]:
        return {"json": {"client_id": self._code("client"), "display_name": "区级平台"}}

    async def grant_body(self, _: Any = None) -> dict[str, Any]:
        account = await self._create("/api/v1/accounts", (await self.account_body())["json"])
        return {
            "json": {
                "account_id": account,
                "role": "volunteer",
                "scope_type": "community",
                "scope_id": str(self.kit.ids["community"]),
            }
        }

    async def community_body(self, _: Any = None) -> dict[str, Any]:
        return {"json": {"code": self._code("C"), "name": "新社区"}}

    async def grid_body(self, _: Any = None) -> dict[str, Any]:
        return {
            "json": {
                "community_id": str(self.kit.ids["community"]),
                "code": self._code("X"),
                "name": "新网格",
            }
        }

    async def building_body(self, _: Any = None) -> dict[str, Any]:
        return {
            "json": {
                "community_id": str(self.kit.ids["community"]),
                "code": self._code("B"),
                "name": "新楼",
                "floors": 3,
            }
        }

    async def unit_body(self, _: Any = None) -> dict[str, Any]:
        return {
            "json": {
                "building_id": str(self.kit.ids["building1"]),
                "code": self._code("U"),
                "name": "新单元",
            }
        }

    async def room_body(self, _: Any = None) -> dict[str, Any]:
        return {
            "json": {"unit_id": str(self.kit.ids["unit1-1"]), "floor": 6, "code": self._code("7")}
        }

    async def person_body(self, _: Any = None) -> dict[str, Any]:
        return {
            "json": {
                "name": "新成员",
                "household_id": str(self.kit.ids["household1-1-101"]),
                "relation": "family",
                "id_number": _id_number(f"11010520200101{next(self.n) % 1000:03d}"),
            }
        }

    async def door_body(self, _: Any = None) -> dict[str, Any]:
        return {
            "json": {
                "community_id": str(self.kit.ids["community"]),
                "name": "东门",
                "kind": "gate",
                "device_id": self._code("dev-"),
            }
        }

    async def verify_body(self, _: Any = None) -> dict[str, Any]:
        created = await self.kit.as_(
            "resident",
            "POST",
            "/api/v1/visitor-passes",
            json={
                "household_id": str(self.kit.ids["household1-1-101"]),
                "visitor_name": "访客乙",
                "valid_until": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
            },
        )
        return {"json": {"qr_payload": created.json()["qr_payload"]}}

    # objects a request uses up -------------------------------------------------------
    async def _id(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"path": {"id": await self._create(path, body["json"])}}

    async def grant(self, _: Any = None) -> dict[str, Any]:
        return await self._id("/api/v1/grants", await self.grant_body())

    async def grid(self, _: Any = None) -> dict[str, Any]:
        return await self._id("/api/v1/grids", await self.grid_body())

    async def building(self, _: Any = None) -> dict[str, Any]:
        return await self._id("/api/v1/buildings", await self.building_body())

    async def unit(self, _: Any = None) -> dict[str, Any]:
        return await self._id("/api/v1/units", await self.unit_body())

    async def room(self, _: Any = None) -> dict[str, Any]:
        return await self._id("/api/v1/rooms", await self.room_body())

    async def door(self, _: Any = None) -> dict[str, Any]:
        return await self._id("/api/v1/doors", await self.door_body())

    async def visitor_pass(self, _: Any = None) -> dict[str, Any]:
        body = {
            "household_id": str(self.kit.ids["household1-1-101"]),
            "visitor_name": "访客丙",
            "valid_until": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
        }
        return {"path": {"id": await self._create("/api/v1/visitor-passes", body, "resident")}}

    async def move_in(self, _: Any = None) -> dict[str, Any]:
        """A person of household 1-2-201 (building 1), to move into 1-1-101 as family."""
        body = (await self.person_body())["json"]
        body["household_id"] = str(self.kit.ids["household1-2-201"])
        person = await self._create("/api/v1/persons", body)
        home = str(self.kit.ids["household1-1-101"])
        return {"path": {"id": person}, "json": {"household_id": home, "relation": "family"}}

    async def move_out(self, _: Any = None) -> dict[str, Any]:
        person = await self._create("/api/v1/persons", (await self.person_body())["json"])
        home = str(self.kit.ids["household1-1-101"])
        return {"path": {"id": person}, "json": {"household_id": home}}


_ = uuid


def _id_number(first17: str) -> str:
    from sc_core.validators import id_number_check_char

    return first17 + id_number_check_char(first17)
