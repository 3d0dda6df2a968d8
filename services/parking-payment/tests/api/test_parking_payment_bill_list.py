"""The bills' list (``GET /api/v1/property-bills``): the newest month first, then by room,
the id breaking ties, so two communities' rooms of the same label page without a bill
repeated or skipped, by offset and by ``next_cursor`` alike (ADR 0066), and only the
caller's communities."""

from __future__ import annotations

import uuid

from test_parking_payment_api import app_client  # noqa: F401 (fixture)

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer

LABELS = ("1号楼1单元101室", "1号楼1单元102室")


async def test_bills_of_same_labels_page_once_each(app_client, issuer: LocalIssuer):  # noqa: F811
    client, _settings = app_client
    here, there = f"c-{uuid.uuid4().hex[:8]}", f"c-{uuid.uuid4().hex[:8]}"
    both = issuer.bearer(
        "bl-manager",
        grants=[Grant("property_manager", "community", c) for c in (here, there)],
    )
    for community in (here, there):
        r = await client.post(
            "/api/v1/property-bills/fee-items",
            headers=both,
            json={"community_id": community, "name": "物业费", "kind": "area", "unit_price": "250"},
        )
        assert r.status_code == 201, r.text
        for n, label in enumerate(LABELS):
            r = await client.put(
                f"/api/v1/property-bills/rooms/r-{community}-{n}",
                headers=both,
                json={"community_id": community, "label": label, "area_m2": "80.00"},
            )
            assert r.status_code == 204, r.text
        for period in ("2026-09", "2026-10"):
            r = await client.post(
                "/api/v1/property-bills/generate",
                headers=both,
                json={"community_id": community, "period": period, "due": f"{period}-28"},
            )
            assert r.status_code == 200, r.text

    by_offset = []
    for offset in range(8):
        r = await client.get(
            "/api/v1/property-bills", headers=both, params={"limit": 1, "offset": offset}
        )
        assert r.status_code == 200, r.text
        by_offset += [(b["period"], b["room_label"], b["id"]) for b in r.json()["items"]]
    assert len({b[2] for b in by_offset}) == 8  # every bill once
    assert [b[:2] for b in by_offset] == [
        (period, label) for period in ("2026-10", "2026-09") for label in LABELS for _ in "ab"
    ]

    by_cursor = []
    params: dict[str, str | int] = {"limit": 3}
    while True:
        r = await client.get("/api/v1/property-bills", headers=both, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        by_cursor += [(b["period"], b["room_label"], b["id"]) for b in page["items"]]
        if page["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": page["next_cursor"]}
    assert by_cursor == by_offset
