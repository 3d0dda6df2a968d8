"""The hotline view (issue 24 item 7) over HTTP on PostgreSQL and Kafka: 12345 hotline
tickets as work-orders' events tell them (status, priority, due time, replies with their
text, steps with their times), read by a government officer for the communities of their
grants only; a case that is not a hotline ticket is not in it; residents are refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import WorkOrderChangedV1, WorkOrderPriority, WorkOrderStatus
from sc_core.auth import Grant

URL = "/api/v1/hotline/tickets"
FIRST_REPLY = "您反映的路灯不亮问题已转物业，维修人员今天下午到场。"
LAST_REPLY = "路灯已修复，感谢您的反映。"


def _step(
    ticket: str,
    community: str,
    action: str,
    status: WorkOrderStatus,
    at: datetime,
    *,
    case_type: str = "hotline_ticket",
    source: str = "hotline",
    reply_text: str | None = None,
) -> WorkOrderChangedV1:
    return WorkOrderChangedV1(
        work_order_id=ticket,
        case_type=case_type,
        action=action,
        status=status,
        priority=WorkOrderPriority.HIGH,
        community_id=community,
        building_id=f"{community}-b1",
        source=source,
        reporter_id=None,
        external_ref="12345-20261205-0001" if case_type == "hotline_ticket" else None,
        due_at=at + timedelta(days=3),
        reply_text=reply_text,
        occurred_at=at,
    )


async def test_an_officer_follows_the_hotline_tickets_of_their_communities(
    harness: Harness, community: str
) -> None:
    h = harness
    elsewhere = f"c-{uuid.uuid4().hex[:10]}"
    officer = h.staff(community, "gov-hotline-1", "gov_officer")
    resident = h.issuer.bearer("acc-hotline-r", grants=[Grant("resident", "household", "h-1")])
    ticket, other, repair = (f"wo-{uuid.uuid4().hex[:8]}" for _ in range(3))
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    for event, key in (
        (_step(ticket, community, "created", WorkOrderStatus.SUBMITTED, t0), ticket),
        (_step(other, elsewhere, "created", WorkOrderStatus.SUBMITTED, t0), other),
        (
            _step(
                repair,
                community,
                "created",
                WorkOrderStatus.SUBMITTED,
                t0,
                case_type="repair",
                source="app",
            ),
            repair,
        ),
        (
            _step(ticket, community, "accept", WorkOrderStatus.ACCEPTED, t0 + timedelta(minutes=5)),
            ticket,
        ),
        (
            _step(
                ticket,
                community,
                "reply",
                WorkOrderStatus.ACCEPTED,
                t0 + timedelta(minutes=30),
                reply_text=FIRST_REPLY,
            ),
            ticket,
        ),
        (
            _step(ticket, community, "resolve", WorkOrderStatus.RESOLVED, t0 + timedelta(hours=1)),
            ticket,
        ),
    ):
        await h.send(event, key)

    async def resolved() -> dict[str, Any] | None:
        page = await h.client.get(URL, headers=officer, params={"community_id": community})
        items: list[dict[str, Any]] = page.json()["items"]
        return page.json() if items and items[0]["status"] == "resolved" else None

    page = await eventually(resolved, what="the hotline ticket's steps from work-orders")
    assert [t["work_order_id"] for t in page["items"]] == [ticket]  # the repair is not one
    found = page["items"][0]
    assert found["ticket_number"] == "12345-20261205-0001"
    assert found["status_name"] == {"zh": "已处理，待确认", "en": "resolved, awaiting confirmation"}
    assert found["category_name"]["zh"] == "12345热线工单"
    assert found["priority_name"]["zh"] == "紧急"
    assert (found["replies"], found["overdue"], found["finished"]) == (1, False, False)
    assert found["last_reply_text"] == FIRST_REPLY  # the reply's words, not only its count
    assert "phone" not in str(found) and "reporter" not in str(found)

    detail = await h.client.get(f"{URL}/{ticket}", headers=officer)
    assert detail.status_code == 200, detail.text
    steps = detail.json()["steps"]
    assert [s["action"] for s in steps] == ["created", "accept", "reply", "resolve"]
    assert [s["action_name"]["zh"] for s in steps] == ["登记", "受理", "答复", "办结待确认"]
    assert [s["reply_text"] for s in steps] == [None, None, FIRST_REPLY, None]

    # another community's ticket is not the officer's; residents never read the view
    everything = (await h.client.get(URL, headers=officer)).json()
    assert other not in [t["work_order_id"] for t in everything["items"]]
    assert (await h.client.get(f"{URL}/{other}", headers=officer)).status_code == 404
    refused = await h.client.get(URL, headers=resident)
    assert refused.status_code == 403
    open_only = (
        await h.client.get(
            URL, headers=officer, params={"community_id": community, "open_only": "true"}
        )
    ).json()
    assert [t["work_order_id"] for t in open_only["items"]] == [ticket]

    at = t0 + timedelta(minutes=90)
    await h.send(
        _step(ticket, community, "reply", WorkOrderStatus.RESOLVED, at, reply_text=LAST_REPLY),
        ticket,
    )
    await h.send(
        _step(ticket, community, "close", WorkOrderStatus.CLOSED, t0 + timedelta(hours=2)), ticket
    )

    async def closed() -> dict[str, Any] | None:
        got: dict[str, Any] = (await h.client.get(f"{URL}/{ticket}", headers=officer)).json()
        return got if got["status"] == "closed" else None

    done = await eventually(closed, what="the ticket closed")
    assert done["finished"] is True and done["closed_at"] is not None
    assert (done["replies"], done["last_reply_text"]) == (2, LAST_REPLY)
    replies = [s["reply_text"] for s in done["steps"] if s["action"] == "reply"]
    assert replies == [FIRST_REPLY, LAST_REPLY]
    still_open = (
        await h.client.get(
            URL, headers=officer, params={"community_id": community, "open_only": "true"}
        )
    ).json()
    assert still_open["items"] == []
