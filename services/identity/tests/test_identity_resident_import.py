"""A building's households and residents imported from CSV (issue 19 item 5), as the
property office does it: the export (masked) goes back and changes nothing; the office's
sheet with a new household and a person the register knows from elsewhere adds the one
and moves in the other; the same file twice changes nothing; one bad row refuses the
whole file with every problem by line and column."""

from __future__ import annotations

import csv
import io

from httpx import Response
from identity_kit import IdentityKit

from sc_core.validators import id_number_check_char

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


def _id(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


async def _import(kit: IdentityKit, role: str, building: str, data: bytes) -> Response:
    return await kit.as_(
        role,
        "POST",
        f"/api/v1/buildings/{building}/residents.csv",
        content=data,
        headers={"Content-Type": "text/csv"},
    )


async def _export(kit: IdentityKit, building: str) -> list[list[str]]:
    r = await kit.as_("community_admin", "GET", f"/api/v1/buildings/{building}/residents.csv")
    assert r.status_code == 200, r.text
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


async def _empty_room(kit: IdentityKit, building: str, lived_in: set[tuple[str, str]]) -> list[str]:
    r = await kit.as_("community_admin", "GET", f"/api/v1/buildings/{building}/rooms.csv")
    rooms = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]
    return next(row for row in rooms if (row[1], row[3]) not in lived_in)


async def test_the_export_goes_back_unchanged_and_a_sheet_adds_and_moves_in(
    kit: IdentityKit,
) -> None:
    building = str(kit.ids["building1"])
    sheet = await _export(kit, building)
    assert sheet[0] == HEADER
    residents = len(sheet) - 1
    assert residents > 0

    same = await _import(kit, "community_admin", building, _csv(sheet))
    assert same.status_code == 200, same.text
    assert same.json()["summary"] == f"新增 0 户、0 人，迁入 0 人，未变 {residents} 人"

    # someone the register knows, living in the other building
    elsewhere = kit.ids["household2-1-101"]
    mover_id = _id("11010119800101004")
    registered = await kit.as_(
        "community_admin",
        "POST",
        "/api/v1/persons",
        json={
            "household_id": str(elsewhere),
            "relation": "family",
            "name": "钱多多",
            "id_number": mover_id,
        },
    )
    assert registered.status_code == 201, registered.text

    room = await _empty_room(kit, building, {(r[1], r[2]) for r in sheet[1:]})
    unit, code = room[1], room[3]
    edited = [row[:] for row in sheet]
    edited += [
        [
            "1号楼",
            unit,
            code,
            "赵家",
            "赵大海",
            "业主",
            "男",
            "",
            _id("11010119560308123"),
            "13900000011",
            "2021-05-01",
        ],
        [
            "",
            unit,
            code,
            "赵家",
            "赵小雨",
            "家庭成员",
            "女",
            "2016-09-01",
            _id("11010120160901002"),
            "",
            "",
        ],
        ["", unit, code, "赵家", "钱多多", "租户", "", "", mover_id, "", "2024-03-01"],
    ]
    body = _csv(edited)
    first = await _import(kit, "grid_worker", building, body)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "rows": residents + 3,
        "households_created": 1,
        "persons_created": 2,
        "moved_in": 1,
        "unchanged": residents,
        "summary": f"新增 1 户、2 人，迁入 1 人，未变 {residents} 人",
        "summary_en": f"1 household(s) and 2 person(s) added, 1 moved in, {residents} unchanged",
    }
    again = await _import(kit, "community_admin", building, body)
    assert again.status_code == 200, again.text
    assert again.json()["summary"] == f"新增 0 户、0 人，迁入 0 人，未变 {residents + 3} 人"

    after = await _export(kit, building)
    zhao = [r for r in after[1:] if r[3] == "赵家"]
    # owner first; ID numbers masked as every list masks them
    assert [(r[5], r[6]) for r in zhao] == [("业主", "男"), ("家庭成员", "女"), ("租户", "")]
    assert all("*" in r[8] for r in zhao), zhao
    assert not any("13900000011" in value for row in after for value in row)
    # the mover lives in both places now (the register's own person, not a copy)
    mover = await kit.as_("community_admin", "GET", f"/api/v1/persons/{registered.json()['id']}")
    assert {r["household_id"] for r in mover.json()["residencies"]} >= {str(elsewhere)}
    assert len(mover.json()["residencies"]) == 2
    imports = [a for a in await kit.audit_actions() if a["action"] == "building.residents_import"]
    assert len(imports) == 3


async def test_one_bad_row_refuses_the_file_with_every_problem(kit: IdentityKit) -> None:
    building = str(kit.ids["building2"])
    before = await _export(kit, building)
    rows = [
        HEADER,
        ["2号楼", "1", "101", "新户", "孙*", "家庭成员", "", "", "", "", ""],  # masked, new
        ["", "1", "9901", "新户", "孙一", "业主", "", "", "", "", ""],  # no such room
        [
            "",
            "1",
            "101",
            "新户",
            "孙二",
            "房东",
            "男",
            "",
            _id("11010119560308123")[:-1] + "0",
            "12345",
            "2999-01-01",
        ],
    ]
    r = await _import(kit, "community_admin", building, _csv(rows))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "residents_csv.invalid"
    found = {(e["line"], e["field"]) for e in problem["errors"]}
    assert {
        (2, "姓名"),
        (3, "房号"),
        (4, "与户关系"),
        (4, "证件号码"),
        (4, "手机号码"),
        (4, "入住日期"),
    } <= found
    assert all(e["message"] and e["message_en"] for e in problem["errors"])
    assert "未导入任何住户" in problem["detail"] or "nothing was imported" in problem["detail"]
    assert await _export(kit, building) == before


async def test_only_the_register_s_keepers_import(kit: IdentityKit) -> None:
    building = str(kit.ids["building1"])
    body = _csv([HEADER, ["", "1", "101", "x", "y", "业主", "", "", "", "", ""]])
    for role in ("property_staff", "resident"):
        r = await _import(kit, role, building, body)
        assert r.status_code == 403, (role, r.text)


async def test_excel_workbooks_export_and_import_as_csv_does(kit: IdentityKit) -> None:
    """The office's spreadsheet itself: the export as .xlsx (every value text, masked as
    the CSV), and a workbook typed in Excel (a floor as a number, a date as a date) imports
    as its CSV would."""
    from datetime import date

    from openpyxl import Workbook, load_workbook

    building = str(kit.ids["building2"])
    xlsx = await kit.as_("community_admin", "GET", f"/api/v1/buildings/{building}/residents.xlsx")
    assert xlsx.status_code == 200, xlsx.text
    assert xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert [[v or "" for v in r] for r in rows] == await _export(kit, building)
    back = await kit.as_(
        "community_admin",
        "POST",
        f"/api/v1/buildings/{building}/residents.xlsx",
        content=xlsx.content,
    )
    assert back.status_code == 200, back.text
    assert back.json()["unchanged"] == len(rows) - 1

    rooms = await kit.as_("property_manager", "GET", f"/api/v1/buildings/{building}/rooms.xlsx")
    assert rooms.status_code == 200, rooms.text
    typed = Workbook()
    sheet = typed.active
    sheet.append(["单元", "楼层", "房号", "建筑面积（㎡）", "用途"])
    sheet.append(["1单元", 6, "699", 88.5, "住宅"])  # numbers as Excel keeps them
    out = io.BytesIO()
    typed.save(out)
    added = await kit.as_(
        "property_manager",
        "POST",
        f"/api/v1/buildings/{building}/rooms.xlsx",
        content=out.getvalue(),
    )
    assert added.status_code == 200, added.text
    assert added.json()["created"] == 1

    people = Workbook()
    sheet = people.active
    sheet.append(HEADER)
    sheet.append(
        [
            "",
            "1",
            "699",
            "周家",
            "周一",
            "业主",
            "男",
            "",
            _id("11010119700101003"),
            13900000021,
            date(2022, 1, 5),
        ]
    )
    out = io.BytesIO()
    people.save(out)
    moved = await kit.as_(
        "community_admin",
        "POST",
        f"/api/v1/buildings/{building}/residents.csv",
        content=out.getvalue(),
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["persons_created"] == 1

    junk = await kit.as_(
        "community_admin",
        "POST",
        f"/api/v1/buildings/{building}/residents.xlsx",
        content=b"PK\x03\x04not a workbook",
    )
    assert junk.status_code == 422, junk.text
    assert junk.json()["errors"][0]["message_en"].startswith("Not a CSV file")
