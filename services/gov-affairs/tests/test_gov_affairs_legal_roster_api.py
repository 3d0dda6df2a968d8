"""The office's hold on legal services over HTTP on PostgreSQL and Kafka (6.5.4 c): a slot
still to come withdrawn (its booking cancelled, the resident told why in zh-CN and English),
a lawyer deactivated (every slot of theirs to come withdrawn, each booker told) and
reactivated; who may, and each refusal by its code. A resident booking a slot while the
office withdraws it: never a live booking of a withdrawn slot."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from gov_affairs_helpers import Harness, register
from sc_contracts.events import NotificationRequestedV1
from sc_core.auth import Grant

URL = "/api/v1/legal"
ASK = {"topic": "housing", "question": "物业费上涨是否合法？"}


def _ok(r: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    found: dict[str, Any] = r.json()
    return found


def _refused(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.text


async def _lawyer_with_slots(
    h: Harness, community: str, office: dict[str, str], n: int
) -> tuple[dict[str, Any], dict[str, str], list[dict[str, Any]]]:
    account = f"acc-lawyer-{uuid.uuid4().hex[:6]}"
    lawyer = _ok(
        await h.client.post(
            f"{URL}/lawyers",
            headers=office,
            json={
                "community_id": community,
                "account_id": account,
                "name": "李律师",
                "firm": "北京市和睦律师事务所",
                "specialties": ["housing"],
            },
        ),
        201,
    )
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    slots = [
        {
            "starts_at": (start + timedelta(hours=i)).isoformat(),
            "ends_at": (start + timedelta(hours=i, minutes=30)).isoformat(),
        }
        for i in range(n)
    ]
    published = await h.client.post(
        f"{URL}/lawyers/{lawyer['id']}/slots", headers=office, json={"slots": slots}
    )
    assert published.status_code == 201, published.text
    return lawyer, h.issuer.bearer(account, grants=[]), published.json()


async def test_withdrawing_a_slot_and_deactivating_a_lawyer_call_off_their_bookings(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"201": 90.0, "202": 80.0})
    office = h.staff(community, "legal-office-2", "gov_officer")
    wang = h.issuer.bearer("acc-roster-201", grants=[Grant("resident", "household", homes["201"])])
    li = h.issuer.bearer("acc-roster-202", grants=[Grant("resident", "household", homes["202"])])
    lawyer, as_lawyer, (first, second, third) = await _lawyer_with_slots(h, community, office, 3)
    wang_booking = _ok(
        await h.client.post(f"{URL}/slots/{first['id']}/bookings", headers=wang, json=ASK), 201
    )
    li_booking = _ok(
        await h.client.post(f"{URL}/slots/{second['id']}/bookings", headers=li, json=ASK), 201
    )

    # only the office withdraws a slot
    for who in (wang, as_lawyer):
        _refused(
            await h.client.post(f"{URL}/slots/{first['id']}/withdraw", headers=who),
            403,
            "legal.not_office",
        )
    _refused(
        await h.client.post(f"{URL}/slots/{uuid.uuid4()}/withdraw", headers=office),
        404,
        "legal.slot_not_found",
    )
    withdrawn = _ok(await h.client.post(f"{URL}/slots/{first['id']}/withdraw", headers=office))
    assert withdrawn["bookings_cancelled"] == 1
    assert withdrawn["slot"]["withdrawn"] is True and withdrawn["slot"]["taken"] is False
    again = await h.client.post(f"{URL}/slots/{first['id']}/withdraw", headers=office)
    _refused(again, 409, "legal.slot_withdrawn")
    assert again.json()["detail"] == "该咨询时段已撤回"
    seen = _ok(await h.client.get(f"{URL}/bookings/{wang_booking['id']}", headers=wang))
    assert seen["status_name"] == {"zh": "已取消", "en": "cancelled"}
    assert seen["cancelled_at"] is not None
    listed = _ok(await h.client.get(f"{URL}/slots", headers=li, params={"community_id": community}))
    assert [s["id"] for s in listed["items"]] == [second["id"], third["id"]]
    _refused(
        await h.client.post(f"{URL}/slots/{first['id']}/bookings", headers=li, json=ASK),
        409,
        "legal.slot_unavailable",
    )
    free = _ok(await h.client.post(f"{URL}/slots/{third['id']}/withdraw", headers=office))
    assert free["bookings_cancelled"] == 0

    # deactivating the lawyer calls off li's booking of the second slot
    lawyer_url = f"{URL}/lawyers/{lawyer['id']}"
    _refused(await h.client.post(f"{lawyer_url}/deactivate", headers=li), 403, "legal.not_office")
    off = _ok(await h.client.post(f"{lawyer_url}/deactivate", headers=office))
    assert off["bookings_cancelled"] == 1 and off["lawyer"]["active"] is False
    _refused(
        await h.client.post(f"{lawyer_url}/deactivate", headers=office),
        409,
        "legal.lawyer_inactive",
    )
    li_seen = _ok(await h.client.get(f"{URL}/bookings/{li_booking['id']}", headers=li))
    assert li_seen["status"] == "cancelled"
    params = {"community_id": community}
    serving = _ok(await h.client.get(f"{URL}/lawyers", headers=li, params=params))
    assert serving["items"] == []
    assert _ok(await h.client.get(f"{URL}/slots", headers=li, params=params))["items"] == []
    every = {**params, "include_inactive": "true"}
    _refused(
        await h.client.get(f"{URL}/lawyers", headers=li, params=every), 403, "legal.not_office"
    )
    kept = _ok(await h.client.get(f"{URL}/lawyers", headers=office, params=every))
    assert [(x["id"], x["active"]) for x in kept["items"]] == [(lawyer["id"], False)]
    start = datetime.now(UTC) + timedelta(days=5)
    slot = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    _refused(
        await h.client.post(f"{lawyer_url}/slots", headers=office, json={"slots": [slot]}),
        409,
        "legal.lawyer_inactive",
    )

    # reactivated, the lawyer takes new slots; the withdrawn ones stay withdrawn
    back = _ok(await h.client.post(f"{lawyer_url}/reactivate", headers=office))
    assert back["active"] is True
    _refused(
        await h.client.post(f"{lawyer_url}/reactivate", headers=office),
        409,
        "legal.lawyer_active",
    )
    _ok(await h.client.post(f"{lawyer_url}/slots", headers=office, json={"slots": [slot]}), 201)
    open_now = _ok(await h.client.get(f"{URL}/slots", headers=li, params=params))
    assert [s["starts_at"][:16] for s in open_now["items"]] == [start.isoformat()[:16]]

    # each resident is told why, in both languages
    def told(found: list[Any]) -> list[Any]:
        return [e for e in found if e.data.get("template") == "gov.legal.withdrawn"]

    mine = {wang_booking["id"], li_booking["id"]}
    events = await h.read(
        NotificationRequestedV1,
        lambda found: {e.data["correlation_id"] for e in told(found)} >= mine,
    )
    by_booking = {e.data["correlation_id"]: e.data for e in told(events)}
    to_wang = by_booking[wang_booking["id"]]
    assert to_wang["recipients"]["user_ids"] == ["acc-roster-201"]
    assert "李律师" in to_wang["variables"]["body"]
    assert "该咨询时段已撤回" in to_wang["variables"]["body"]
    assert "the consultation time was withdrawn" in to_wang["variables"]["body_en"]
    to_li = by_booking[li_booking["id"]]["variables"]
    assert "该律师已暂停在本社区提供咨询" in to_li["body"]
    assert to_li["title_en"] == "Legal consultation called off"


async def test_a_booking_racing_a_withdrawal_never_stays_live(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"301": 90.0})
    office = h.staff(community, "legal-office-3", "community_admin")
    zhao = h.issuer.bearer("acc-roster-301", grants=[Grant("resident", "household", homes["301"])])
    _, _, slots = await _lawyer_with_slots(h, community, office, 4)
    for slot in slots:
        booked, withdrawn = await asyncio.gather(
            h.client.post(f"{URL}/slots/{slot['id']}/bookings", headers=zhao, json=ASK),
            h.client.post(f"{URL}/slots/{slot['id']}/withdraw", headers=office),
        )
        called_off = _ok(withdrawn)["bookings_cancelled"]
        if booked.status_code == 201:
            # the booking came first: the withdrawal cancelled it
            assert called_off == 1
            seen = _ok(await h.client.get(f"{URL}/bookings/{booked.json()['id']}", headers=zhao))
            assert seen["status"] == "cancelled"
        else:
            _refused(booked, 409, "legal.slot_unavailable")
            assert called_off == 0
    live = _ok(await h.client.get(f"{URL}/bookings", headers=zhao, params={"status": "booked"}))
    assert live["items"] == []
