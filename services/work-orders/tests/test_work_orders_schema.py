"""The migrations match the models; the case types are seeded and admin-editable; the
state machine table says who may do what."""

from __future__ import annotations

import pytest

from sc_core.db.migrate import model_drift
from wo_helpers import Harness
from work_orders.db.models import metadata
from work_orders.domain import states

SEEDED = {
    "repair",
    "complaint",
    "suggestion",
    "hazard_report",
    "alarm_dispatch",
    "patrol_issue",
    "inspection",
    "mediation",
    "maintenance_booking",
    "hotline_ticket",
    "department_task",
    "shop_living_check",
    "population_check",
}


async def test_migrations_match_the_models(harness: Harness) -> None:
    assert await model_drift(harness.settings.database_url, metadata) == []


async def test_case_types_are_seeded_and_admins_edit_them(harness: Harness) -> None:
    h = harness
    me = h.resident("hh-1")
    r = await h.client.get("/api/v1/case-types", headers=me)
    types = {t["code"]: t for t in r.json()["items"]}
    assert set(types) == SEEDED
    assert types["hotline_ticket"]["needs_external_ref"] is True
    assert types["repair"]["sla"]["urgent"] == {"response": 30, "resolution": 240}

    body = {**types["suggestion"]}
    for key in ("code", "updated_at", "can_create"):
        body.pop(key)
    body["sla"] = {**body["sla"], "low": {"response": 60, "resolution": 600}}
    r = await h.client.put("/api/v1/case-types/suggestion", json=body, headers=me)
    assert r.status_code == 403
    r = await h.client.put("/api/v1/case-types/suggestion", json=body, headers=h.admin())
    assert r.status_code == 200, r.text
    assert r.json()["sla"]["low"] == {"response": 60, "resolution": 600}
    created = await h.create(
        me, case_type="suggestion", title="More benches", community_id="c-edit", household_id="hh-1"
    )
    assert created["priority"] == "low"
    # an unknown type is a clear 422
    r = await h.client.post(
        "/api/v1/work-orders",
        headers=me,
        json={"case_type": "nope", "title": "x", "community_id": "c-edit", "household_id": "hh-1"},
    )
    assert r.status_code == 422 and r.json()["code"] == "workorder.unknown_type"


async def test_a_resident_is_offered_only_the_types_she_may_open(harness: Harness) -> None:
    """Issue 19 item 9: the list offered residents hotline tickets and alarm dispatches."""
    h = harness
    me = h.resident("hh-offer")
    everything = (await h.client.get("/api/v1/case-types", headers=me)).json()["items"]
    mine = {t["code"] for t in everything if t["can_create"]}
    assert {"repair", "complaint", "suggestion"} <= mine
    assert not mine & {"alarm_dispatch", "hotline_ticket", "patrol_issue", "department_task"}
    assert mine == {
        t["code"] for t in everything if t["active"] and "resident" in t["creator_roles"]
    }
    offered = await h.client.get("/api/v1/case-types", params={"creatable": "true"}, headers=me)
    assert offered.status_code == 200, offered.text
    assert {t["code"] for t in offered.json()["items"]} == mine
    assert all(t["can_create"] for t in offered.json()["items"])
    everything_for_admin = await h.client.get(
        "/api/v1/case-types", params={"creatable": "true", "limit": 100}, headers=h.admin()
    )
    assert {t["code"] for t in everything_for_admin.json()["items"]} == {
        t["code"] for t in everything if t["active"]
    }


@pytest.mark.parametrize(
    ("action", "status", "actor", "expected"),
    [
        ("accept", "submitted", "staff", "accepted"),
        ("assign", "accepted", "staff", "assigned"),
        ("start", "assigned", "staff", "in_progress"),
        ("resolve", "in_progress", "staff", "resolved"),
        ("close", "resolved", "reporter", "closed"),
        ("reopen", "closed", "reporter", "reopened"),
        ("accept", "reopened", "staff", "accepted"),
        ("cancel", "submitted", "reporter", "cancelled"),
        ("reject", "submitted", "staff", "rejected"),
        ("reply", "in_progress", "staff", "in_progress"),
        ("rate", "closed", "reporter", "closed"),
    ],
)
def test_allowed_steps(action: str, status: str, actor: states.Actor, expected: str) -> None:
    assert states.next_status(action, status, actor) == expected


@pytest.mark.parametrize(
    ("action", "status", "actor", "error"),
    [
        ("cancel", "accepted", "reporter", states.InvalidTransition),
        ("accept", "submitted", "reporter", states.NotAllowed),
        ("reopen", "resolved", "staff", states.NotAllowed),
        ("resolve", "submitted", "staff", states.InvalidTransition),
        ("close", "in_progress", "reporter", states.InvalidTransition),
        ("start", "closed", "staff", states.InvalidTransition),
        ("accept", "submitted", None, states.NotAllowed),
    ],
)
def test_refused_steps(action: str, status: str, actor: states.Actor | None, error: type) -> None:
    with pytest.raises(error):
        states.next_status(action, status, actor)
