"""The warnings that reached me (GET /api/v1/care/my-warnings, for the residents' app) on
PostgreSQL and Kafka: a typhoon warning reaches building 1 of a community; a young
neighbour living in building 1 reads it in plain words with her building named, though it
told her nobody; the elder's daughter, living elsewhere, reads it because it told her; a
resident of building 2 outside the polygon and a resident of another community read
nothing; an Exercise reaches no resident's list; the Cancel shows the warning lifted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from care_cap_samples import cancel, cap_time, typhoon
from care_helpers import Harness
from test_care_warnings_flow import _home, _person

from sc_core.auth import Grant

CAP = {"Content-Type": "application/cap+xml"}
MINE = "/api/v1/care/my-warnings"


async def test_a_resident_reads_the_warnings_that_reached_her_building(harness: Harness) -> None:
    h = harness
    tag = uuid.uuid4().hex[:8]
    nanshan, futian = f"c-ns-{tag}", f"c-ft-{tag}"
    inside = await _home(h, nanshan, f"b-{tag}-1", 22.53, 113.93, "440305")
    outside = await _home(h, nanshan, f"b-{tag}-2", 22.70, 114.20, "440305")
    other = await _home(h, futian, f"b-{tag}-3", None, None, "440304")
    elder = f"p-{tag}-in"
    await _person(h, nanshan, inside, elder, "1941-05-12")
    await _person(h, nanshan, outside, f"p-{tag}-out", "1990-01-01")  # the directory knows it
    await _person(h, futian, other, f"p-{tag}-ft", "1991-01-01")
    r = await h.client.post(
        f"/api/v1/care/people/{elder}/grants",
        json={"grantee": f"u-daughter-{tag}", "relation": "family", "categories": ["vitals"],
              "notify": True},
        headers=h.user(f"u-{elder}"),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    neighbour = h.user(f"u-nb-{tag}", "resident", ("household", inside))
    daughter = h.user(f"u-daughter-{tag}", "resident", ("household", f"h-elsewhere-{tag}"))
    across = h.user(f"u-across-{tag}", "tenant", ("household", outside))
    stranger = h.user(f"u-ft-{tag}", "resident", ("household", other))

    city = h.issuer.bearer(f"svc-city-{tag}", grants=[Grant("integrator", "community", nanshan)])
    sent = datetime.now(UTC)
    r = await h.client.post("/api/v1/care/warnings",
                            content=typhoon(f"SZ-TY-{tag}", sent=sent).encode(),
                            headers={**city, **CAP})  # fmt: skip
    assert r.status_code == 201, r.text
    w = r.json()
    r = await h.client.post(
        "/api/v1/care/warnings",
        content=typhoon(f"SZ-TY-{tag}-X", status="Exercise").encode(), headers={**city, **CAP},
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["audience"] == "staff"

    r = await h.client.get(MINE, headers={**neighbour, "Accept-Language": "zh-CN"})
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 1
    mine = r.json()["items"][0]
    assert (mine["id"], mine["title"], mine["title_en"]) == (
        w["id"], "台风橙色预警", "Typhoon: orange warning",
    )  # fmt: skip
    assert mine["state_text"] == "生效中" and mine["state_text_en"] == "in force"
    assert "老人请留在室内" in mine["body"] and "Elders should stay indoors" in mine["body_en"]
    assert mine["places"] == ["海滨社区 1号楼"] and mine["told_me"] is False

    r = await h.client.get(MINE, headers=daughter)
    assert [(x["id"], x["told_me"], x["places"]) for x in r.json()["items"]] == [
        (w["id"], True, [])
    ]
    for outsider in (across, stranger):
        r = await h.client.get(MINE, headers=outsider)
        assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 0

    # lifted: the warning reads as cancelled, the Cancel in the words the elders were told
    r = await h.client.post(
        "/api/v1/care/warnings",
        content=cancel(f"SZ-TY-{tag}-C", f"SZ-TY-{tag}", cap_time(sent)).encode(),
        headers={**city, **CAP},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    r = await h.client.get(MINE, headers=daughter)
    items = {x["id"]: x for x in r.json()["items"]}
    assert items[w["id"]]["state_text"] == "已解除"
    assert items[r.json()["items"][0]["id"]]["title"] == "台风预警已解除"
