"""Issue 19 item 5 (export): a building's households and residents as the CSV property
offices keep (Chinese headers, values in words, UTF-8 with BOM), personal fields masked
exactly as the persons list masks them for that caller (no ID number or mobile in clear,
for every staff role), staff only, every export audited."""

from __future__ import annotations

import csv
import io
import re

from identity_kit import IdentityKit

ID_NUMBER = re.compile(r"\d{17}[\dXx]")
MOBILE = re.compile(r"1\d{10}")
HEADER = [
    "楼栋",
    "单元",
    "房号",
    "户名",
    "姓名",
    "与户关系",
    "性别",
    "出生日期",
    "证件号码",
    "手机号码",
    "入住日期",
    "性别代码",
]


async def _sheet(kit: IdentityKit, role: str, building: str) -> list[list[str]]:
    r = await kit.as_(role, "GET", f"/api/v1/buildings/{building}/residents.csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


async def test_a_building_s_residents_export_masked_as_the_list(kit: IdentityKit) -> None:
    building = str(kit.ids["building1"])
    for role in ("community_admin", "property_staff", "grid_worker"):
        rows = await _sheet(kit, role, building)
        assert rows[0] == HEADER, role
        body = rows[1:]
        assert body, role
        assert not [v for row in body for v in row[8:10] if ID_NUMBER.fullmatch(v)], role
        assert not [v for row in body for v in row[8:10] if MOBILE.fullmatch(v)], role

    rows = (await _sheet(kit, "community_admin", building))[1:]
    household = kit.ids["household1-1-101"]
    listed = await kit.as_(
        "community_admin",
        "GET",
        "/api/v1/persons",
        params={"household_id": str(household), "current": "true", "limit": 100},
    )
    assert listed.status_code == 200, listed.text
    expected = sorted(
        (p["name"], p["id_number"] or "", p["phone"] or "") for p in listed.json()["items"]
    )
    flat = [row for row in rows if row[3] == "1-1-101"]
    assert sorted((row[4], row[8], row[9]) for row in flat) == expected
    # the owner first, relations and places in words
    assert flat[0][5] == "业主"
    assert {row[5] for row in flat} <= {"业主", "家庭成员", "租户"}
    assert {(row[1], row[2]) for row in flat} == {("1单元", "101")}

    exports = [a for a in await kit.audit_actions() if a["action"] == "building.residents_export"]
    assert [a["resource_id"] for a in exports] == [building] * 4
    assert exports[-1]["detail"]["rows"] == str(len(rows))

    refused = await kit.as_("resident", "GET", f"/api/v1/buildings/{building}/residents.csv")
    assert refused.status_code == 403, refused.text
    missing = await kit.as_(
        "community_admin",
        "GET",
        "/api/v1/buildings/00000000-0000-0000-0000-000000000000/residents.csv",
    )
    assert missing.status_code == 404, missing.text
