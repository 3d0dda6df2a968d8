"""Must show: a resident's complaint about an enterprise registered in gov-affairs
(``gov.organisations.v1``) opens one complaint case (投诉) of their household, titled with
the enterprise's name in words, with the complaint's id as its external reference (by which
gov-affairs follows it); the same complaint delivered again opens nothing more; the
resident who complained sees the case, the community's staff work it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sc_contracts.events import OrganisationComplaintFiledV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent
from wo_helpers import Harness, eventually, send_event


async def test_a_complaint_about_an_enterprise_opens_one_case(
    harness: Harness, community: str
) -> None:
    h = harness
    bootstrap = h.settings.kafka_bootstrap_servers
    household, resident = f"hh-{uuid.uuid4().hex[:8]}", f"acc-{uuid.uuid4().hex[:8]}"
    organisation = str(uuid.uuid4())
    complaint = OrganisationComplaintFiledV1(
        complaint_id=str(uuid.uuid4()),
        organisation_id=organisation,
        organisation_name="幸福里便民超市",
        uscc="91110105MA01ABCD13",
        community_id=community,
        household_id=household,
        summary="超市夜间卸货噪音扰民，多次反映未改。",
        filed_by=resident,
        filed_at=datetime.now(UTC),
    )
    topic = h.settings.topic(OrganisationComplaintFiledV1.topic)
    event = CloudEvent.of(complaint, source="/services/gov-affairs", subject=organisation)
    await send_event(bootstrap, topic, event, complaint.complaint_id)
    await send_event(bootstrap, topic, event, complaint.complaint_id)  # redelivered
    again = CloudEvent.of(complaint, source="/services/gov-affairs")  # published twice
    await send_event(bootstrap, topic, again, complaint.complaint_id)
    # a later complaint on the same key shows the three before it were read
    later = complaint.model_copy(
        update={"complaint_id": str(uuid.uuid4()), "organisation_name": "另一家企业"}
    )
    await send_event(
        bootstrap,
        topic,
        CloudEvent.of(later, source="/services/gov-affairs"),
        complaint.complaint_id,
    )

    staff = h.issuer.bearer("admin-c", grants=[Grant("community_admin", "community", community)])

    async def both() -> list[dict[str, Any]] | None:
        r = await h.client.get("/api/v1/work-orders", params={"type": "complaint"}, headers=staff)
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        return items if any(c["title"] == "投诉：另一家企业" for c in items) else None

    found = await eventually(both)
    mine = [c for c in found if c["title"] == "投诉：幸福里便民超市"]
    assert len(mine) == 1  # one case for the complaint, however often it came
    status, case = await h.get(mine[0]["id"], staff)
    assert status == 200, case
    assert (case["case_type"], case["source"], case["status"]) == (
        "complaint",
        "organisation",
        "submitted",
    )
    assert case["external_ref"] == complaint.complaint_id
    assert case["household_id"] == household and case["reporter_id"] == resident
    assert case["description"] == "超市夜间卸货噪音扰民，多次反映未改。"
    own = h.issuer.bearer(resident, grants=[Grant("resident", "household", household)])
    assert (await h.get(mine[0]["id"], own))[0] == 200
    await h.step(mine[0]["id"], "accept", staff)
