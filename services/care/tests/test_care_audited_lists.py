"""Care's audited lists over HTTP on PostgreSQL and Kafka, read without BEGIN/COMMIT since
ADR 0066's session-14 addendum (autocommit: the audit record is written before the page
is answered): each list a caller reads leaves one record naming them, and a refused read
of a person is still audited as denied (the record is written before the refusal and
stays)."""

from __future__ import annotations

from care_helpers import Harness, read_events

from sc_contracts.events import AuditRecordedV1
from sc_core.bus.cloudevents import CloudEvent

LISTS = {
    "/api/v1/care/family": "care.family.list",
    "/api/v1/care/children": "care.child.list",
    "/api/v1/care/medicine-requests": "care.medicine.list",
    "/api/v1/care/help-requests": "care.help.list",
    "/api/v1/care/service-orders": "care.service.list",
}


async def test_each_list_read_is_audited_and_a_refusal_too(
    harness: Harness, community: str
) -> None:
    h = harness
    pid = f"aud-{community}"
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "李秀兰", "birth_date": "1945-03-02", "gender": "female",
              "community_id": community, "person_id": pid, "guardians": [f"u-son-{pid}"],
              "has_capacity": False},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    reader = f"u-reader-{pid}"
    who = h.user(reader)
    for path in LISTS:
        page = await h.client.get(path, headers=who)
        assert page.status_code == 200, (path, page.text)
        assert page.json()["items"] == [] and page.json()["total"] == 0, path
    # a person the reader has no consent for: refused, looks missing, audited as denied
    r = await h.client.get(f"/api/v1/care/people/{pid}/breaches", headers=who)
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"

    def mine(found: list[CloudEvent]) -> list[dict[str, object]]:
        return [e.data for e in found if e.data.get("actor_id") == reader]

    audited = mine(
        await read_events(
            h.settings.kafka_bootstrap_servers, h.topic(AuditRecordedV1.topic),
            lambda found: len(mine(found)) >= len(LISTS) + 1, timeout=60,
        )
    )  # fmt: skip
    by_action: dict[str, list[dict[str, object]]] = {}
    for record in audited:
        by_action.setdefault(str(record["action"]), []).append(record)
    for path, action in LISTS.items():
        (record,) = by_action[action]
        assert record["outcome"] == "success", path
    (refused,) = by_action["care.breach.list"]
    assert refused["outcome"] == "denied" and refused["resource_id"] == pid
