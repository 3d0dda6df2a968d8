"""Every read of a list about people is audited, over HTTP on PostgreSQL and Kafka: the
welfare register and its reviews, the disability register and its assistive devices, and
the population check's flags each leave one record naming the reader, the community and the
rows read on the audit topic (the reads run without BEGIN/COMMIT since ADR 0066's
gov-affairs addendum: the record is still written before the page is answered)."""

from __future__ import annotations

from gov_affairs_helpers import Harness
from sc_contracts.events import AuditRecordedV1
from sc_core.bus.cloudevents import CloudEvent

READS = {
    "/api/v1/welfare/register": "welfare.register_read",
    "/api/v1/welfare/reviews": "welfare.reviews_due_read",
    "/api/v1/welfare/disability/records": "disability.register_read",
    "/api/v1/welfare/disability/devices": "disability.devices_read",
    "/api/v1/population-flags": "population.flags_read",
}


async def test_each_list_read_leaves_its_audit_record(harness: Harness, community: str) -> None:
    h = harness
    officer = h.staff(community, f"officer-{community[-6:]}", "gov_officer")
    for path in READS:
        page = await h.client.get(path, headers=officer, params={"community_id": community})
        assert page.status_code == 200, (path, page.text)
        assert page.json()["items"] == [], path  # a community of its own: nothing yet

    def mine(found: list[CloudEvent]) -> dict[str, list[dict[str, object]]]:
        by_action: dict[str, list[dict[str, object]]] = {}
        for e in found:
            if e.data.get("community_id") == community and e.data.get("action") in set(
                READS.values()
            ):
                by_action.setdefault(str(e.data["action"]), []).append(e.data)
        return by_action

    audited = await h.read(AuditRecordedV1, lambda found: len(mine(found)) == len(READS))
    records = mine(audited)
    assert sorted(records) == sorted(READS.values())
    for action, found in records.items():
        assert len(found) == 1, action
        assert found[0]["actor_id"] == f"officer-{community[-6:]}", action
        assert found[0]["outcome"] == "success", action
