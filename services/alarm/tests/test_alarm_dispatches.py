"""A department answers the dispatches addressed to it (6.1.1 c): a gov_officer on the
community's roster of that department accepts, reports progress and finishes with text
and photos, and the incident shows each answer; an officer of another department, or on
no roster, cannot."""

from __future__ import annotations

from alarm_helpers import Harness
from sc_core.auth import Grant


async def test_the_department_a_dispatch_is_addressed_to_answers_it(
    harness: Harness, community: str
) -> None:
    h = harness
    admin = h.staff(community)
    incident = {
        "community_id": community,
        "incident_type": "fire",
        "occurred_at": "2026-03-10T04:00:00Z",
        "title": "厨房起火 Kitchen fire",
    }
    r = await h.client.post("/api/v1/incidents", json=incident, headers=admin)
    assert r.status_code == 201, r.text
    incident_id = r.json()["id"]
    routed = {}
    for department in ("fire", "police"):
        r = await h.client.post(
            f"/api/v1/incidents/{incident_id}/dispatches",
            json={"department": department},
            headers=admin,
        )
        assert r.status_code == 201, r.text
        routed[department] = r.json()["id"]
    dispatch = routed["fire"]

    def officer(sub: str) -> dict[str, str]:
        return h.issuer.bearer(sub, grants=[Grant("gov_officer", "community", community)])

    for sub, department in (("u-fire-1", "fire"), ("u-police-1", "police")):
        r = await h.client.post(
            "/api/v1/department-officers",
            json={"community_id": community, "department": department, "user_id": sub},
            headers=admin,
        )
        assert r.status_code == 201, r.text
    r = await h.client.get(
        "/api/v1/department-officers", params={"community_id": community}, headers=admin
    )
    assert r.status_code == 200
    assert sorted((o["department"], o["user_id"]) for o in r.json()["items"]) == [
        ("fire", "u-fire-1"),
        ("police", "u-police-1"),
    ]

    url = f"/api/v1/incidents/{incident_id}/dispatches/{dispatch}"
    # another department's officer may not answer; to an officer on no roster the
    # incident is not there
    r = await h.client.patch(url, json={"status": "acknowledged"}, headers=officer("u-police-1"))
    assert r.status_code == 403 and r.json()["code"] == "incident.not_your_department", r.text
    r = await h.client.patch(url, json={"status": "acknowledged"}, headers=officer("u-nobody"))
    assert r.status_code == 404 and r.json()["code"] == "incident.not_found", r.text
    fire = officer("u-fire-1")
    steps = (
        ("acknowledged", "已接警，消防车出发 On our way", []),
        ("responding", "现场处置中 On site", ["photo-1"]),
        ("done", "明火已扑灭 Fire out", ["photo-2", "photo-3"]),
    )
    for status, text, photos in steps:
        r = await h.client.patch(
            url, json={"status": status, "response": text, "photo_ids": photos}, headers=fire
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == status
    # the officer reads the incident addressed to them; the community sees every answer
    r = await h.client.get(f"/api/v1/incidents/{incident_id}", headers=fire)
    assert r.status_code == 200, r.text
    got = (await h.client.get(f"/api/v1/incidents/{incident_id}", headers=admin)).json()
    answered, untouched = got["dispatches"]
    assert (untouched["department"], untouched["status"]) == ("police", "routed")
    assert (answered["department"], answered["status"], answered["response"]) == (
        "fire",
        "done",
        "明火已扑灭 Fire out",
    )
    assert [(a["status"], a["text"], a["photo_ids"], a["by"]) for a in answered["responses"]] == [
        (status, text, photos, "u-fire-1") for status, text, photos in steps
    ]
    # an officer on no roster does not see it
    r = await h.client.get(f"/api/v1/incidents/{incident_id}", headers=officer("u-nobody"))
    assert r.status_code == 404
