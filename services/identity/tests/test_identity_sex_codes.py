"""Issue 25 item 5: GB/T 2261.1 sex codes (人的性别代码) in the house register. The resident
CSV takes 男/女, the codes 1/2/0/9 and the English words; a cell that is none of them is the
row's 性别 error in words (the file is all or nothing: nothing of it is kept); without it
the rows import, the register's read says ``sex_code`` beside ``gender``, the export writes
性别代码 beside 性别, and the events gov-affairs counts the population from carry the code
(never a name)."""

from __future__ import annotations

import csv
import io
import json

from identity_kit import IdentityKit

from sc_core.validators import id_number_check_char

HEADER = ["楼栋", "单元", "房号", "户名", "姓名", "与户关系", "性别", "证件号码"]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


async def _sheet(kit: IdentityKit, building: str, kind: str) -> list[list[str]]:
    r = await kit.as_("community_admin", "GET", f"/api/v1/buildings/{building}/{kind}.csv")
    assert r.status_code == 200, r.text
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


async def test_a_sheet_with_sex_words_and_codes_imports_and_reads_with_codes(
    kit: IdentityKit,
) -> None:
    building = str(kit.ids["building2"])
    lived = {(r[1], r[2]) for r in (await _sheet(kit, building, "residents"))[1:]}
    room = next(r for r in (await _sheet(kit, building, "rooms"))[1:] if (r[1], r[3]) not in lived)
    unit, code = room[1], room[3]

    def row(name: str, relation: str, sex: str, first17: str) -> list[str]:
        number = first17 + id_number_check_char(first17)
        return ["", unit, code, "钱家", name, relation, sex, number]

    good = [
        row("钱大", "业主", "男", "11010119600101001"),
        row("钱二", "家庭成员", "2", "11010119620202002"),
        row("钱三", "家庭成员", "9", "11010119900303003"),
        row("钱四", "家庭成员", "Female", "11010119920404004"),
    ]
    bad = row("钱五", "家庭成员", "男性?", "11010119940505005")
    refused = await kit.as_(
        "community_admin",
        "POST",
        f"/api/v1/buildings/{building}/residents.csv",
        content=_csv([HEADER, *good, bad]),
        headers={"Content-Type": "text/csv", "Accept-Language": "zh-CN"},
    )
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert (error["line"], error["field"]) == (6, "性别")
    assert error["message"].startswith("“男性?”不是性别")
    assert "male" in error["message_en"] and "GB/T 2261.1" in error["message_en"]

    imported = await kit.as_(
        "community_admin",
        "POST",
        f"/api/v1/buildings/{building}/residents.csv",
        content=_csv([HEADER, *good]),
        headers={"Content-Type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["persons_created"] == 4

    exported = await _sheet(kit, building, "residents")
    assert exported[0][-1] == "性别代码"
    qian = {r[4]: (r[6], r[-1]) for r in exported[1:] if r[3] == "钱家"}
    assert sorted(qian.values()) == [("女", "2"), ("女", "2"), ("未说明的性别", "9"), ("男", "1")]

    household = next(
        h["id"]
        for h in (
            await kit.as_("community_admin", "GET", "/api/v1/households", params={"limit": 100})
        ).json()["items"]
        if h["name"] == "钱家"
    )
    persons = await kit.as_(
        "community_admin",
        "GET",
        "/api/v1/persons",
        params={"household_id": household, "current": "true", "limit": 100},
    )
    assert persons.status_code == 200, persons.text
    assert sorted((p["gender"], p["sex_code"]) for p in persons.json()["items"]) == [
        ("female", "2"),
        ("female", "2"),
        ("male", "1"),
        ("other", "9"),
    ]
    one = await kit.as_("community_admin", "GET", f"/api/v1/persons/{kit.ids['person:张伟']}")
    assert (one.json()["gender"], one.json()["sex_code"]) in (("male", "1"), (None, "0"))

    rows = await kit.sql(
        "SELECT headers->>'ce_type', payload FROM event_outbox WHERE topic = 'identity.events.v1'"
        " ORDER BY seq"
    )
    codes = [
        json.loads(bytes(payload))["sex_code"]
        for kind, payload in rows
        if kind in ("community.person.registered.v1", "community.residency.started.v1")
    ][-8:]
    assert sorted(codes) == ["1", "1", "2", "2", "2", "2", "9", "9"]
    assert not any("钱" in bytes(payload).decode() for _kind, payload in rows)
