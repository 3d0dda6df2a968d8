"""The office corrects an organisation's record over HTTP on PostgreSQL (issue 24): only
the fields given change, each checked as at registration (the code by GB 32100, the
industry by GB/T 4754, a code registered to another organisation here refused), the change
is audited and published on gov.organisations.v1 like the registration; the contact person
is encrypted, masked in every read, shown in clear to the office for a stated purpose
(audited). A complaint's case reply from work-orders is what the resident reads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from gov_affairs_helpers import Harness, eventually, register
from sc_contracts.events import (
    AuditRecordedV1,
    OrganisationChangedV1,
    WorkOrderChangedV1,
    WorkOrderPriority,
    WorkOrderStatus,
)
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent

GROCER = "91110105MA01ABCD13"
ELDER_CARE = "51110105MJ0012345E"


async def _registered(h: Harness, community: str, office: dict[str, str], **extra: Any) -> str:
    made = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json={
            "community_id": community,
            "name": "幸福里便民超市",
            "kind": "enterprise",
            "uscc": GROCER,
            "address": "幸福里 1 号门",
            **extra,
        },
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_the_office_corrects_a_record_checked_audited_and_published(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"301": 90.0})
    office = h.staff(community, "gov-edit-1", "gov_officer")
    wang = h.issuer.bearer("acc-edit-wang", grants=[Grant("resident", "household", homes["301"])])
    org = await _registered(
        h, community, office, contact_name="王建国", contact_phone="13912345678"
    )
    other = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json={
            "community_id": community,
            "name": "幸福里社区养老服务中心",
            "kind": "social_organisation",
            "uscc": ELDER_CARE,
            "address": "幸福里 3 号楼底商",
        },
    )
    assert other.status_code == 201, other.text
    url = f"/api/v1/organisations/{org}"
    seen = (await h.client.get(url, headers=wang)).json()
    assert (seen["contact_name"], seen["contact_phone"]) == ("王**", "139****5678")

    changed = await h.client.patch(
        url,
        headers=office,
        json={"address": "幸福里 2 号门", "industry_code": "52", "contact_name": "李红"},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["address"] == "幸福里 2 号门"
    assert body["industry"]["section_name"]["zh"] == "批发和零售业"
    assert (body["name"], body["uscc"], body["contact_name"]) == ("幸福里便民超市", GROCER, "李*")
    assert body["updated_at"] is not None
    listed = await h.client.get(
        "/api/v1/organisations",
        headers=wang,
        params={"community_id": community, "industry_section": "F"},
    )
    assert [o["name"] for o in listed.json()["items"]] == ["幸福里便民超市"]

    # re-validated: a bad code, an unknown division, a code another one holds, a null name
    bad = GROCER[:-1] + ("0" if GROCER[-1] != "0" else "1")
    for change, status in (
        ({"uscc": bad}, 422),
        ({"industry_code": "00"}, 422),
        ({"name": None}, 422),
        ({"address": "长" * 201}, 422),
        ({"uscc": ELDER_CARE}, 409),
    ):
        refused = await h.client.patch(url, headers=office, json=change)
        assert refused.status_code == status, (change, refused.text)
    taken = await h.client.patch(url, headers=office, json={"uscc": ELDER_CARE})
    assert taken.json()["code"] == "organisation.already_registered"
    assert (
        "本社区登记"
        in (
            await h.client.patch(
                url, headers={**office, "Accept-Language": "zh-CN"}, json={"uscc": ELDER_CARE}
            )
        ).json()["detail"]
    )
    by_resident = await h.client.patch(url, headers=wang, json={"address": "某处"})
    assert by_resident.status_code == 403 and by_resident.json()["code"] == "auth.out_of_scope"
    other_office = h.staff("c-other", "gov-edit-2", "gov_officer")
    assert (
        await h.client.patch(url, headers=other_office, json={"address": "x"})
    ).status_code == 403
    missing = await h.client.patch(
        f"/api/v1/organisations/{uuid.uuid4()}", headers=office, json={"address": "x"}
    )
    assert missing.status_code == 404 and missing.json()["code"] == "organisation.not_found"
    cleared = await h.client.patch(url, headers=office, json={"industry_code": None})
    assert cleared.status_code == 200 and cleared.json()["industry"] is None

    # the contact in clear: the office, for a purpose, audited; nobody else
    reveal = f"{url}/reveal"
    shown = await h.client.post(
        reveal, headers=office, json={"field": "contact_phone", "purpose": "联系整改噪音"}
    )
    assert shown.json() == {"field": "contact_phone", "value": "13912345678"}
    no = await h.client.post(
        reveal, headers=wang, json={"field": "contact_phone", "purpose": "联系整改噪音"}
    )
    assert no.status_code == 403, no.text
    not_personal = await h.client.post(
        reveal, headers=office, json={"field": "address", "purpose": "联系整改噪音"}
    )
    assert not_personal.status_code == 422

    # published like the registration, keyed by organisation, no personal data
    def mine(evs: list[CloudEvent]) -> list[CloudEvent]:
        return [e for e in evs if e.data.get("organisation_id") == org and "change" in e.data]

    events = await h.read(OrganisationChangedV1, lambda evs: len(mine(evs)) >= 3)
    steps = [(e.data["change"], e.data["fields"]) for e in mine(events)]
    assert steps == [
        ("registered", []),
        ("updated", ["address", "industry_code"]),  # the contact's change is not told
        ("updated", ["industry_code"]),
    ]
    assert all("contact_name" not in e.data and "王建国" not in str(e.data) for e in events)

    def audits(evs: list[CloudEvent]) -> list[tuple[str, Any]]:
        return [
            (e.data["action"], e.data.get("detail"))
            for e in evs
            if e.data.get("resource_id") == org
            and e.data.get("action") in ("organisation.update", "organisation.reveal")
        ]

    audited = await h.read(AuditRecordedV1, lambda evs: len(audits(evs)) >= 3)
    assert sorted(audits(audited), key=str) == sorted(  # the audit topic's order is its own
        [
            ("organisation.update", {"fields": "address,industry_code,contact_name"}),
            ("organisation.update", {"fields": "industry_code"}),
            ("organisation.reveal", {"field": "contact_phone", "purpose": "联系整改噪音"}),
        ],
        key=str,
    )


async def test_staffs_reply_on_the_complaint_case_is_what_the_resident_reads(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"401": 90.0})
    office = h.staff(community, "gov-edit-3", "community_admin")
    zhao = h.issuer.bearer("acc-edit-zhao", grants=[Grant("resident", "household", homes["401"])])
    url = f"/api/v1/organisations/{await _registered(h, community, office)}"
    filed = await h.client.post(
        f"{url}/complaints", headers=zhao, json={"summary": "超市夜间卸货噪音扰民。"}
    )
    assert filed.status_code == 201, filed.text
    complaint = filed.json()
    assert complaint["reply"] is None

    case = str(uuid.uuid4())
    steps = (
        ("created", WorkOrderStatus.SUBMITTED, None),
        ("accepted", WorkOrderStatus.ACCEPTED, "已联系超市，要求夜间停止卸货。"),
        ("resolved", WorkOrderStatus.RESOLVED, None),
    )
    for action, status, reply in steps:
        await h.send(
            WorkOrderChangedV1(
                work_order_id=case,
                case_type="complaint",
                action="reply" if reply else action,
                status=status,
                priority=WorkOrderPriority.NORMAL,
                community_id=community,
                source="organisation",
                reporter_id="acc-edit-zhao",
                external_ref=complaint["id"],
                reply_text=reply,
                occurred_at=datetime.now(UTC),
            ),
            case,
        )

    async def resolved() -> dict[str, Any] | None:
        items = (await h.client.get(f"{url}/complaints", headers=zhao)).json()["items"]
        return items[0] if items and items[0]["status"] == "resolved" else None

    seen = await eventually(resolved)
    assert seen["status_name"] == {"zh": "已处理，待确认", "en": "resolved, awaiting confirmation"}
    assert seen["reply"] == "已联系超市，要求夜间停止卸货。"
    assert seen["replied_at"] is not None and seen["mine"] is True
