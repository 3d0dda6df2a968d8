"""The cars' list (``GET /api/v1/parking/vehicles``): newest first, only the caller's
community, and paged by ``next_cursor`` to the same rows in the same order as by offset
(the id breaks ties of ``created_at``, so every page but the last offers a cursor: a deep
page starts at its key through the index, ADR 0066)."""

from __future__ import annotations

import uuid

from test_parking_payment_api import app_client  # noqa: F401 (fixture)

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer


async def test_cars_page_by_cursor_newest_first(app_client, issuer: LocalIssuer):  # noqa: F811
    client, _settings = app_client
    here, there = f"c-{uuid.uuid4().hex[:8]}", f"c-{uuid.uuid4().hex[:8]}"
    manager = issuer.bearer("vl-manager", grants=[Grant("property_manager", "community", here)])
    other = issuer.bearer("vl-other", grants=[Grant("property_manager", "community", there)])
    plates = [f"京C{n:05d}" for n in range(5)]
    for plate in plates:
        r = await client.post(
            "/api/v1/parking/vehicles",
            headers=manager,
            json={"community_id": here, "household_id": f"h-{plate[-2:]}", "plate": plate},
        )
        assert r.status_code == 201, r.text
    r = await client.post(
        "/api/v1/parking/vehicles",
        headers=other,
        json={"community_id": there, "household_id": "h-there", "plate": "京D00001"},
    )
    assert r.status_code == 201, r.text

    by_offset: list[str] = []
    for offset in (0, 2, 4):
        r = await client.get(
            "/api/v1/parking/vehicles", headers=manager, params={"limit": 2, "offset": offset}
        )
        assert r.status_code == 200, r.text
        by_offset += [v["plate"] for v in r.json()["items"]]
    assert by_offset == list(reversed(plates))  # newest first, none of the other community

    by_cursor: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        r = await client.get("/api/v1/parking/vehicles", headers=manager, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        by_cursor += [v["plate"] for v in page["items"]]
        if page["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": page["next_cursor"]}
    assert by_cursor == by_offset
