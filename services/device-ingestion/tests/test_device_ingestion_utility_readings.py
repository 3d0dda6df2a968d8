"""Issue 25 item 2 (5.2): a utility company's readings, by CSV or by its API with client
credentials, land in the energy figures of the registered meters their meter numbers name.
A file with one bad row imports the good rows and reports the bad one by line and column in
words; the same file twice changes nothing; GB 18030 and UTF-8; every import recorded and
audited."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from di_helpers import Harness

from sc_core.auth import Grant

SHANGHAI = ZoneInfo("Asia/Shanghai")


def day(days_ago: int, hour: int = 10) -> datetime:
    """``hour`` o'clock (Shanghai) ``days_ago`` days ago."""
    today = datetime.now(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days_ago) + timedelta(hours=hour)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")  # the local time a utility's file writes


def csv_file(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(",".join(r) for r in rows).encode(encoding)


def utility(h: Harness, community: str, sub: str | None = None) -> dict[str, str]:
    """The water company's service account (client credentials), over the community."""
    sub = sub or f"svc-water-{community}"
    return h.issuer.bearer(
        sub, grants=[Grant("integrator", "community", community)], kind="service"
    )


async def post_csv(
    h: Harness, data: bytes, headers: dict[str, str], kind: str = "water", media: str = "text/csv"
) -> Any:
    return await h.client.post(
        "/api/v1/utility-readings.csv",
        params={"kind": kind},
        content=data,
        headers={**headers, "Content-Type": media},
    )


async def figures(
    h: Harness, community: str, scope: str, scope_id: str
) -> tuple[float, dict[str, float]]:
    params = {
        "kind": "water",
        "scope": scope,
        "id": scope_id,
        "period": "day",
        "from": day(5, 0).isoformat(),
        "to": day(0, 0).isoformat(),
    }
    r = await h.client.get("/api/v1/energy", params=params, headers=h.admin(community))
    assert r.status_code == 200, r.text
    body = r.json()
    return body["total"], {b["start"][:10]: b["consumption"] for b in body["buckets"]}


async def audit_records(h: Harness, action: str) -> list[dict[str, Any]]:
    rows = await h.sql(
        "SELECT payload FROM event_outbox WHERE topic = :t ORDER BY seq", t=h.settings.audit_topic
    )
    records = [json.loads(p) if isinstance(p, str | bytes) else p for (p,) in rows]
    return [r for r in records if r.get("action") == action]


async def meters(h: Harness, community: str) -> dict[str, dict[str, Any]]:
    made = {}
    for i, no in enumerate(("W-001", "W-002")):
        made[no] = await h.create_device(
            community,
            f"wm-{i}",
            "water_meter",
            building_id=f"{community}-b1",
            unit_id=f"{community}-u1",
            household_id=f"{community}-h{i}",
            meter_no=f"{community}-{no}",
        )
        assert made[no]["meter_no"] == f"{community}-{no}"
    return made


async def test_a_utility_csv_with_one_bad_row_imports_the_good_rows_and_reports_it(
    harness: Harness, community: str
) -> None:
    h = harness
    made = await meters(h, community)
    w1, w2 = f"{community}-W-001", f"{community}-W-002"
    rows = [
        ["户号", "表号", "抄表时间", "读数"],
        ["8800001", w1, stamp(day(3)), "100"],
        ["8800001", w1, stamp(day(2)), "101.5"],
        ["8800001", w1, stamp(day(1)), "103"],
        ["8800002", w2, stamp(day(2)), "五十"],
        ["8800002", w2, stamp(day(2, 11)), "50"],
        ["8800002", w2, stamp(day(1)), "52.25"],
    ]
    data = csv_file(rows, "gb18030")  # as a spreadsheet on a Chinese desktop saves it
    r = await post_csv(h, data, utility(h, community))
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["rows_total"], result["rows_new"], result["rows_bad"]) == (6, 5, 1)
    assert result["errors"] == [
        {
            "line": 5,
            "column": "读数",
            "message": "“五十”不是数字",
            "message_en": "'五十' is not a number",
        }
    ]
    assert result["summary"] == "新增 5 条，已有 0 条，有误 1 条"
    assert result["content_sha256"] == hashlib.sha256(data).hexdigest()
    assert result["source"] == "csv" and result["imported_by"] == f"svc-water-{community}"

    # the readings are the meters' figures, and add up per household, building, community
    h0_total, h0_days = await figures(h, community, "household", f"{community}-h0")
    h1_total, _ = await figures(h, community, "household", f"{community}-h1")
    assert h0_total == 3.0 and h1_total == 2.25
    assert h0_days == {
        day(3).date().isoformat(): 0.0,
        day(2).date().isoformat(): 1.5,
        day(1).date().isoformat(): 1.5,
    }
    for scope, scope_id in (("building", f"{community}-b1"), ("community", community)):
        assert (await figures(h, community, scope, scope_id))[0] == 5.25
    # a utility's reading is no sign of life of the meter itself
    device = await h.client.get(
        f"/api/v1/devices/{made['W-001']['id']}", headers=h.admin(community)
    )
    assert device.json()["status"] == "offline"
    stored = await h.stored_rows()

    # the same file again (UTF-8 this time, same rows) changes nothing
    again = await post_csv(h, csv_file(rows, "utf-8"), utility(h, community))
    assert again.status_code == 200, again.text
    body = again.json()
    assert (body["rows_new"], body["rows_unchanged"], body["rows_bad"]) == (0, 5, 1)
    assert await h.stored_rows() == stored
    assert (await figures(h, community, "community", community))[0] == 5.25

    # every import is recorded (the caller's own) and audited
    listed = await h.client.get("/api/v1/utility-imports", headers=utility(h, community))
    assert listed.status_code == 200, listed.text
    mine = listed.json()["items"]
    assert [i["rows_new"] for i in mine] == [0, 5]
    assert mine[1]["content_sha256"] == hashlib.sha256(data).hexdigest()
    others = await h.client.get(
        "/api/v1/utility-imports", headers=utility(h, community, sub="svc-other")
    )
    assert others.json()["items"] == []
    audited = [
        r
        for r in await audit_records(h, "energy.utility_import")
        if r["resource_id"] == result["id"]
    ]
    assert len(audited) == 1 and audited[0]["actor_id"] == f"svc-water-{community}"
    assert audited[0]["detail"]["content_sha256"] == hashlib.sha256(data).hexdigest()


async def test_every_bad_row_is_said_by_line_and_column(harness: Harness, community: str) -> None:
    h = harness
    await meters(h, community)
    elsewhere = f"{community}-x"
    await h.create_device(elsewhere, "wm-x", "water_meter", meter_no=f"{elsewhere}-W-9")
    w1 = f"{community}-W-001"
    rows = [
        ["meter_no", "read_at", "reading"],
        [w1, day(2).isoformat(), "10"],
        ["W-unknown", stamp(day(2)), "10"],  # no such meter
        [f"{elsewhere}-W-9", stamp(day(2)), "10"],  # a meter outside the utility's places
        [w1, stamp(day(-2)), "12"],  # in the future
        [w1, "yesterday", "12"],  # no time
        [w1, stamp(day(2)), "10"],  # line 2 again
        [w1, stamp(day(1)), "-3"],  # below the meter's range
        ["", stamp(day(1)), "11"],  # no meter number
    ]
    r = await post_csv(h, csv_file(rows), utility(h, community), media="application/octet-stream")
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["rows_new"], result["rows_bad"]) == (1, 7)
    said = {(e["line"], e["column"]): (e["message"], e["message_en"]) for e in result["errors"]}
    assert said[(3, "表号")][0] == "您负责的范围内没有登记表号为“W-unknown”的水表"
    assert said[(4, "表号")][1] == (
        f"No water meter numbered '{elsewhere}-W-9' is registered in your places"
    )
    assert said[(5, "抄表时间")][0] == "抄表时间在将来"
    assert said[(6, "抄表时间")][1] == "'yesterday' is not a date-time (such as 2026-12-01 08:00)"
    assert said[(7, "抄表时间")][0] == "与第 2 行是同一表同一时间的读数"
    assert said[(8, "读数")][1] == "The reading -3 is outside the meter's range (0 to 1e+08)"
    assert said[(9, "表号")][0] == "表号为空"

    # a different reading where one is recorded is refused, not overwritten
    changed = [["表号", "抄表时间", "读数"], [w1, stamp(day(2)), "11"]]
    r = await post_csv(h, csv_file(changed), utility(h, community))
    assert r.json()["errors"][0]["message"] == "该表此时已记录读数 10，与本行的 11 不同"
    assert (await figures(h, community, "household", f"{community}-h0"))[1] == {
        day(2).date().isoformat(): 0.0
    }

    # no CSV, or a column missing: nothing is imported, 422 in words
    r = await post_csv(h, b"\xff\xfe\x00\x81", utility(h, community))
    assert r.status_code == 422 and r.json()["code"] == "utility_readings.invalid"
    r = await post_csv(h, csv_file([["表号", "读数"], [w1, "1"]]), utility(h, community))
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {
            "line": 1,
            "column": "抄表时间",
            "message": "缺少“抄表时间”列",
            "message_en": "The column 抄表时间 (read_at) is missing",
        }
    ]
    # electricity readings for water meters name no meter
    r = await post_csv(h, csv_file(rows[:2]), utility(h, community), kind="electricity")
    assert r.json()["rows_bad"] == 1


async def test_any_line_ending_reads_and_an_unreadable_line_keeps_the_lines_before_it(
    harness: Harness, community: str
) -> None:
    h = harness
    await meters(h, community)
    w1, w2 = f"{community}-W-001", f"{community}-W-002"
    # a spreadsheet on an old Mac ends its lines with a lone \r
    mac = "\r".join(["表号,抄表时间,读数", f"{w1},{stamp(day(3))},7", f"{w2},{stamp(day(3))},8"])
    r = await post_csv(h, mac.encode(), utility(h, community))
    assert r.status_code == 200, r.text
    assert (r.json()["rows_new"], r.json()["rows_bad"]) == (2, 0)

    # what the CI's fuzz sent (a 500 then): no header with the columns, so 422 in words
    r = await post_csv(h, b"\rd\x1d", utility(h, community), media="application/octet-stream")
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "utility_readings.invalid"
    assert [e["column"] for e in r.json()["errors"]] == ["表号", "抄表时间", "读数"]

    # a value longer than the csv module reads: the line before it is imported, it is said
    huge = "x" * 200_000
    text = "\n".join(["表号,抄表时间,读数", f"{w1},{stamp(day(2))},9", f"{w2},{huge},1"])
    r = await post_csv(h, text.encode(), utility(h, community))
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["rows_new"], result["rows_bad"]) == (1, 1)
    assert [(e["line"], e["column"], e["message"]) for e in result["errors"]] == [
        (3, "", "第 3 行有一个值超过 131072 个字符，无法读取，其后各行未导入")
    ]


async def test_the_utility_api_and_who_may_bring_readings_in(
    harness: Harness, community: str
) -> None:
    h = harness
    await meters(h, community)
    w2 = f"{community}-W-002"
    body = {
        "kind": "water",
        "readings": [
            {"meter_no": w2, "read_at": day(2).isoformat(), "reading": 7, "account_no": "88"},
            {"meter_no": w2, "read_at": day(1).isoformat(), "reading": 9.5},
        ],
    }
    r = await h.client.post("/api/v1/utility-readings", json=body, headers=utility(h, community))
    assert r.status_code == 200, r.text
    assert (r.json()["rows_new"], r.json()["source"]) == (2, "api")
    r = await h.client.post("/api/v1/utility-readings", json=body, headers=utility(h, community))
    assert (r.json()["rows_new"], r.json()["rows_unchanged"]) == (0, 2)
    assert (await figures(h, community, "household", f"{community}-h1"))[0] == 2.5

    # residents and outsiders bring nothing in; another community's utility finds no meter
    resident = h.user(Grant("resident", "household", f"{community}-h1"))
    r = await h.client.post("/api/v1/utility-readings", json=body, headers=resident)
    assert r.status_code == 403
    other = utility(h, f"{community}-other", sub="svc-elsewhere")
    r = await h.client.post("/api/v1/utility-readings", json=body, headers=other)
    assert r.json()["rows_bad"] == 2
    # a meter number is one meter's
    r = await h.client.post(
        "/api/v1/devices",
        json={"name": "wm-dup", "device_type": "water_meter", "community_id": community,
              "meter_no": w2},
        headers=h.admin(community),
    )  # fmt: skip
    assert r.status_code == 409 and r.json()["code"] == "device.meter_no_taken"
