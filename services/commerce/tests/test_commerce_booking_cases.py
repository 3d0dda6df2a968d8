"""Must show: a resident's booking follows the maintenance case work-orders opened from
it (6.4 a). work-orders' events (on the real broker, as work-orders publishes them) move
the booking through accepted, assigned, done and confirmed, and the resident sees the
state in words and, once rated, the rating; a redelivered event (same id) and a late,
older step change nothing; another case type's events leave bookings alone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from commerce_helpers import Harness, eventually
from sc_contracts.events import WorkOrderChangedV1, WorkOrderRatedV1

P = "/api/v1/commerce/service-points"
B = "/api/v1/commerce/bookings"


def step(
    booking: dict[str, Any], wo_id: str, action: str, status: str, at: datetime, **more: Any
) -> WorkOrderChangedV1:
    return WorkOrderChangedV1.model_validate(
        {
            "work_order_id": wo_id,
            "case_type": "maintenance_booking",
            "action": action,
            "status": status,
            "priority": "normal",
            "community_id": booking["community_id"],
            "source": "booking",
            "external_ref": booking["id"],
            "occurred_at": at,
            **more,
        }
    )


async def test_a_booking_follows_its_case_and_shows_the_rating(
    harness: Harness, community: str
) -> None:
    h = harness
    staff = h.staff(community)
    r = await h.client.post(
        P,
        json={
            "community_id": community,
            "kind": "repair_station",
            "name": "幸福里便民维修站",
            "address": "幸福里社区 3号楼底商",
            "latitude": 39.9087,
            "longitude": 116.3975,
        },
        headers=staff,
    )
    assert r.status_code == 201, r.text
    point = r.json()["id"]
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    resident = h.resident(household)
    r = await h.client.post(
        f"{P}/{point}/bookings",
        json={"service": "空调不制冷", "preferred_at": "2026-12-05T14:00:00+08:00"},
        headers=resident,
    )
    assert r.status_code == 201, r.text
    booking = r.json()
    assert booking["status"] == "requested" and booking["rating"] is None

    async def mine() -> dict[str, Any]:
        r = await h.client.get(B, headers=resident)
        assert r.status_code == 200, r.text
        [found] = [b for b in r.json()["items"] if b["id"] == booking["id"]]
        return found

    async def shows(status: str) -> bool:
        return (await mine())["status"] == status

    wo = str(uuid.uuid4())
    t0 = datetime.now(UTC)
    await h.send(step(booking, wo, "created", "submitted", t0), key=wo)
    await h.send(step(booking, wo, "accepted", "accepted", t0 + timedelta(seconds=1)), key=wo)
    assert await eventually(lambda: shows("accepted"))
    seen = await mine()
    assert seen["work_order_id"] == wo
    assert seen["status_label"] == {
        "zh-CN": "已受理，等待派单",
        "en": "Accepted, a provider is being assigned",
    }

    assigned = await h.send(
        step(booking, wo, "assigned", "assigned", t0 + timedelta(seconds=2), assignee_id="p-9"),
        key=wo,
    )
    await h.send(step(booking, wo, "resolve", "resolved", t0 + timedelta(seconds=3)), key=wo)
    assert await eventually(lambda: shows("resolved"))
    assert (await mine())["status_label"]["zh-CN"] == "已完成，请确认"
    # the assignment again (same event id) and a late, older step: the booking stays done
    await h.redeliver(assigned, WorkOrderChangedV1, wo)
    await h.send(step(booking, wo, "start", "in_progress", t0 + timedelta(seconds=2)), key=wo)
    # another case type's event naming the same booking is not this booking's case
    other = step(booking, str(uuid.uuid4()), "cancel", "cancelled", t0 + timedelta(seconds=9))
    await h.send(other.model_copy(update={"case_type": "repair"}), key=wo)
    await h.send(step(booking, wo, "confirm", "closed", t0 + timedelta(seconds=4)), key=wo)
    assert await eventually(lambda: shows("closed"))
    rated = await h.send(
        WorkOrderRatedV1.model_validate(
            {
                "work_order_id": wo,
                "case_type": "maintenance_booking",
                "community_id": community,
                "rating": 5,
                "comment": "师傅很专业",
                "rated_by": f"res-{household}",
                "rated_at": t0 + timedelta(seconds=5),
            }
        ),
        key=wo,
    )
    assert await eventually(lambda: _rated(mine))
    done = await mine()
    assert done["status"] == "closed"
    assert done["status_label"] == {"zh-CN": "已确认完成", "en": "Done and confirmed"}
    assert done["rating"] == 5 and done["rating_comment"] == "师傅很专业"
    assert done["rating_label"] == {"zh-CN": "5 星，非常满意", "en": "5 stars, excellent"}
    # redelivered, the rating is the same; staff of the community see it too
    await h.redeliver(rated, WorkOrderRatedV1, wo)
    r = await h.client.get(B, headers=staff)
    [theirs] = [b for b in r.json()["items"] if b["id"] == booking["id"]]
    assert theirs["status"] == "closed" and theirs["rating"] == 5


async def _rated(mine: Any) -> bool:
    return (await mine())["rating"] is not None
