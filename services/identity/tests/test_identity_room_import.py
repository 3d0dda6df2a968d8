"""A building's house register (实有房屋) imported from CSV (issue 19 item 5), as the
property office does it: the file the export gives, edited in a spreadsheet, goes back;
new rooms are added, changed ones changed, the same file twice changes nothing; one bad
row refuses the whole file with every problem by line and column."""

from __future__ import annotations

import csv
import io

from httpx import Response
from identity_kit import IdentityKit


def _csv(rows: list[list[str]], *, bom: bool = True, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding)


async def _import(kit: IdentityKit, role: str, building: str, data: bytes) -> Response:
    return await kit.as_(
        role,
        "POST",
        f"/api/v1/buildings/{building}/rooms.csv",
        content=data,
        headers={"Content-Type": "text/csv"},
    )


async def _sheet(kit: IdentityKit, building: str) -> list[list[str]]:
    exported = await kit.as_("property_manager", "GET", f"/api/v1/buildings/{building}/rooms.csv")
    assert exported.status_code == 200
    return list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))


async def test_the_exported_register_goes_back_and_an_edited_one_adds_and_changes(
    kit: IdentityKit,
) -> None:
    building = str(kit.ids["building1"])
    sheet = await _sheet(kit, building)
    assert len(sheet) == 1 + 24

    same = await _import(kit, "property_manager", building, _csv(sheet))
    assert same.status_code == 200, same.text
    assert same.json()["summary"] == "新增 0 间，更新 0 间，未变 24 间"

    edited = [row[:] for row in sheet]
    row_102 = next(r for r in edited if r[1] == "1单元" and r[3] == "102")
    row_102[7] = "出租"  # the flat is let now
    edited.append(["1号楼", "3单元", "1", "101", "", "76.5", "住宅", "自住"])  # a new entrance
    edited.append(["", "2", "-1", "B01", "", "", "商业", ""])  # a basement shop, words left out
    body = _csv(edited)
    first = await _import(kit, "community_admin", building, body)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "rows": 26,
        "created": 2,
        "updated": 1,
        "unchanged": 23,
        "units_created": 1,
        "summary": "新增 2 间，更新 1 间，未变 23 间",
    }
    again = await _import(kit, "community_admin", building, body)
    assert again.json()["summary"] == "新增 0 间，更新 0 间，未变 26 间"

    after = {(r[1], r[3]): r for r in (await _sheet(kit, building))[1:]}
    assert after[("1单元", "102")][7] == "出租"
    assert after[("3单元", "101")][2:] == ["1", "101", "DEMO-001-1-3-101", "76.5", "住宅", "自住"]
    assert after[("2单元", "B01")][5:] == ["", "商业", "空置"]
    actions = [a for a in await kit.audit_actions() if a["action"] == "building.rooms_import"]
    assert len(actions) == 3


async def test_one_bad_row_refuses_the_file_with_every_problem(kit: IdentityKit) -> None:
    building = str(kit.ids["building2"])
    before = await _sheet(kit, building)
    header = ["楼栋", "单元", "楼层", "房号", "标准编码", "建筑面积（㎡）", "用途", "出租状态"]
    rows = [
        header,
        ["2号楼", "1", "1", "111", "", "80", "住宅", "空置"],  # good, yet not imported
        ["2号楼", "1", "9", "901", "", "80", "住宅", "空置"],  # a 6-floor building
        ["2号楼", "1", "2", "2-01室", "", "-3", "宿舍", "空置"],  # room, area, usage
        ["3号楼", "1", "1", "112", "", "", "", ""],  # another building's row
        ["2号楼", "1", "1", "111", "", "", "", ""],  # repeats line 2
    ]
    refused = await _import(kit, "property_manager", building, _csv(rows))
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "rooms_csv.invalid"
    assert problem["detail"] == "第 3、4、5、6 行有 6 处错误，未导入任何房屋"
    found = {(e["line"], e["field"]) for e in problem["errors"]}
    assert found == {
        (3, "楼层"),
        (4, "房号"),
        (4, "建筑面积"),
        (4, "用途"),
        (5, "楼栋"),
        (6, "房号"),
    }
    floor = next(e for e in problem["errors"] if e["field"] == "楼层")
    assert floor["message"] == "楼层应为 1 至 6（地下层 -1 至 -5）"
    assert await _sheet(kit, building) == before  # nothing half-imported

    no_column = await _import(
        kit, "property_manager", building, _csv([["单元", "房号"], ["1", "1"]])
    )
    assert no_column.json()["errors"][0] == {
        "line": 1,
        "field": "楼层",
        "message": "缺少“楼层”列",
        "message_en": "The column 楼层 is missing",
        "type": "rooms_csv",
    }


async def test_a_spreadsheet_saved_in_gb18030_imports_and_residents_may_not(
    kit: IdentityKit,
) -> None:
    building = str(kit.ids["building2"])
    rows = [["单元", "楼层", "房号", "用途"], ["2单元", "6", "603", "办公"]]
    saved = _csv(rows, bom=False, encoding="gb18030")
    for role in ("resident", "grid_worker", "property_staff"):
        refused = await _import(kit, role, building, saved)
        assert refused.status_code == 403, role
    imported = await _import(kit, "property_manager", building, saved)
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] == 1
    garbage = await _import(kit, "property_manager", building, b"\xff\xfe\x00\x81")
    assert garbage.status_code == 422


async def test_any_line_ending_imports_and_a_file_that_is_no_register_is_said(
    kit: IdentityKit,
) -> None:
    building = str(kit.ids["building2"])
    # a spreadsheet on an old Mac ends its lines with a lone \r
    mac = "\r".join(["单元,楼层,房号", "2单元,5,505", "2单元,5,506"]).encode()
    imported = await _import(kit, "property_manager", building, mac)
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] == 2
    # a lone \r inside what would be a field had been a 500 (found by the e2e fuzz)
    refused = await _import(kit, "property_manager", building, b"\rd\x1d")
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "rooms_csv.invalid"
