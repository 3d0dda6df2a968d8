"""Issue 30: every input of work-orders's API has a bound its OpenAPI document states, so a
value out of bounds is a 422 from the schema (on the Open311 routes a 400 in the spec's
error list), never a database error or a 500. The scanner (sc_core.request_bounds) names
each input without one and its fix."""

from __future__ import annotations

import uuid
from typing import Any

from sc_core.request_bounds import assert_inputs_bounded
from wo_helpers import Harness
from work_orders.config import Settings
from work_orders.main import create_app


def test_every_request_input_has_a_bound() -> None:
    assert_inputs_bounded(create_app(Settings()).openapi())


async def test_values_past_their_bounds_are_a_422_naming_the_field(
    harness: Harness, community: str
) -> None:
    h = harness
    admin = h.admin()

    async def refused(method: str, path: str, **kwargs: Any) -> None:
        r = await h.client.request(method, path, headers=admin, **kwargs)
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "request.validation_failed", r.text

    await refused("GET", "/api/v1/work-orders", params={"status": "open"})
    await refused(
        "GET",
        "/api/v1/work-order-stats",
        params={"community_id": community, "since": "0001-01-01T00:00:00+08:00"},
    )
    await refused("POST", f"/api/v1/work-orders/{uuid.uuid4()}/accept", json={"version": 2**31})
    await refused(
        "POST",
        "/api/v1/patrol-rounds",
        json={
            "route_id": str(uuid.uuid4()),
            "assignee_id": "staff-1",
            "window_start": "2026-12-05T08:00:00+08:00",
            "window_end": "9999-12-31T23:00:00+08:00",
        },
    )
    # within the bounds: the statuses the console's buckets send, a stats window
    listed = await h.client.get(
        "/api/v1/work-orders", headers=admin, params={"status": ["submitted", "reopened"]}
    )
    assert listed.status_code == 200, listed.text
    stats = await h.client.get(
        "/api/v1/work-order-stats",
        headers=admin,
        params={"community_id": community, "since": "2026-12-01T00:00:00+08:00"},
    )
    assert stats.status_code == 200, stats.text
