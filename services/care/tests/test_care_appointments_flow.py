"""Appointments (挂号): a doctor publishes slots, the daughter books one for her mother
(her consent covers visits), a second booking with the same doctor that day is refused in
words, reminders go out once 24 h and once 2 h before on an injected clock, a cancelled
booking frees the day, and a slot the doctor stops tells the booked resident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from care_helpers import Harness, read_events

from care.usecases.appointments import Appointments
from sc_contracts.events import AppointmentChangedV1, NotificationRequestedV1


async def _elder(h: Harness, community: str, pid: str) -> None:
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "王秀英", "birth_date": "1948-05-01", "gender": "female",
              "community_id": community, "person_id": pid, "user_id": f"u-{pid}"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/grants",
        json={"grantee": f"u-daughter-{pid}", "relation": "family", "categories": ["visits"]},
        headers=h.user(f"u-{pid}"),
    )
    assert r.status_code == 201, r.text


async def _slots(h: Harness, community: str, start: datetime, doctor: str = "u-doc") -> list[Any]:
    r = await h.client.post(
        "/api/v1/care/slots",
        json={"community_id": community, "doctor_name": "张医生", "room": "全科诊室2",
              "station": "幸福里社区卫生服务站", "start": start.isoformat(),
              "end": (start + timedelta(hours=1)).isoformat(), "slot_minutes": 30},
        headers=h.doctor(community, doctor),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return list(r.json())


def _start(days: int) -> datetime:
    """A morning some days ahead (01:00 UTC is 09:00 in the community's Asia/Shanghai)."""
    d = datetime.now(UTC) + timedelta(days=days)
    return d.replace(hour=1, minute=0, second=0, microsecond=0)


def _about(events: list[Any], booking_id: str, template: str) -> list[Any]:
    kind = NotificationRequestedV1.event_type
    return [
        e for e in events
        if e.type == kind and e.data["template"] == template
        and e.data["request_id"].startswith(f"{template}:{booking_id}")
    ]  # fmt: skip


async def test_book_refuse_a_second_remind_twice_and_cancel(
    harness: Harness, community: str
) -> None:
    h = harness
    pid = f"a-{community}"
    await _elder(h, community, pid)
    start = _start(3)
    first, second = await _slots(h, community, start)
    assert first["free"] == 1 and first["doctor_name"] == "张医生"

    daughter = h.user(f"u-daughter-{pid}")
    r = await h.client.post(
        f"/api/v1/care/slots/{first['id']}/bookings", json={"person_id": pid}, headers=daughter
    )
    assert r.status_code == 201, r.text
    booking = r.json()
    assert booking["status"] == "booked" and booking["status_zh"] == "已预约"
    assert booking["person_name"] == "王秀英" and booking["room"] == "全科诊室2"

    r = await h.client.post(
        f"/api/v1/care/slots/{second['id']}/bookings", json={"person_id": pid}, headers=daughter
    )
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["code"] == "care.booking_duplicate"
    assert problem["messages"] == {
        "zh-CN": "同一天同一位医生只能预约一次。",
        "en": "One booking per doctor per day.",
    }
    assert problem["detail"] == "同一天同一位医生只能预约一次。"

    stranger = h.user("u-stranger")
    r = await h.client.post(
        f"/api/v1/care/slots/{second['id']}/bookings", json={"person_id": pid}, headers=stranger
    )
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"
    r = await h.client.get("/api/v1/care/bookings", headers=stranger)
    assert r.status_code == 200 and r.json()["items"] == []

    r = await h.client.get("/api/v1/care/bookings", headers=h.user(f"u-{pid}"))
    assert [b["id"] for b in r.json()["items"]] == [booking["id"]]
    r = await h.client.get("/api/v1/care/bookings", headers=h.doctor(community))
    assert booking["id"] in [b["id"] for b in r.json()["items"]]
    r = await h.client.get(
        "/api/v1/care/slots", params={"community_id": community}, headers=daughter
    )
    assert [s["id"] for s in r.json()["items"]] == [second["id"]]  # the first is taken

    reminders: Appointments = h.app.state.usecases.appointments
    assert await reminders.remind(start - timedelta(hours=25)) == 0
    assert await reminders.remind(start - timedelta(hours=24) + timedelta(minutes=1)) == 1
    assert await reminders.remind(start - timedelta(hours=24) + timedelta(minutes=2)) == 0
    assert await reminders.remind(start - timedelta(hours=2) + timedelta(minutes=1)) == 1
    assert await reminders.remind(start - timedelta(hours=1)) == 0

    topic = h.topic(NotificationRequestedV1.topic)
    template = "care.appointment.reminder"
    found = await read_events(
        h.settings.kafka_bootstrap_servers, topic,
        lambda ev: len(_about(ev, booking["id"], template)) >= 2, settle=2.0,
    )  # fmt: skip
    sent = _about(found, booking["id"], template)
    assert len(sent) == 2 and len({e.data["request_id"] for e in sent}) == 2
    assert sent[0].data["recipients"]["user_ids"] == [f"u-{pid}", f"u-daughter-{pid}"]
    assert sent[0].data["variables"]["time_zh"].endswith("09:00")
    assert len(_about(found, booking["id"], "care.appointment.booked")) == 1

    r = await h.client.post(f"/api/v1/care/bookings/{booking['id']}/cancel", headers=stranger)
    assert r.status_code == 404 and r.json()["code"] == "care.booking_not_found"
    r = await h.client.post(f"/api/v1/care/bookings/{booking['id']}/cancel", headers=daughter)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    r = await h.client.post(f"/api/v1/care/bookings/{booking['id']}/cancel", headers=daughter)
    assert r.status_code == 409 and r.json()["code"] == "care.booking_not_active"
    assert r.json()["messages"]["en"] == "This booking is no longer active."
    r = await h.client.post(
        f"/api/v1/care/slots/{second['id']}/bookings", json={"person_id": pid}, headers=daughter
    )
    assert r.status_code == 201, r.text  # the day is free again
    # the new booking's two reminders fall due at once: only the nearer is sent, once
    assert await reminders.remind(start - timedelta(hours=1)) == 1
    assert await reminders.remind(start - timedelta(minutes=30)) == 0

    changes = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(AppointmentChangedV1.topic),
        lambda ev: len([e for e in ev if e.data["person_id"] == pid]) >= 3,
    )  # fmt: skip
    mine = [e.data for e in changes if e.data["person_id"] == pid]
    assert [m["change"] for m in mine] == ["booked", "cancelled", "booked"]
    assert set(mine[0]) == {
        "booking_id", "person_id", "community_id", "slot_id", "doctor_id", "change", "start",
        "at",
    }  # fmt: skip


async def test_a_stopped_slot_tells_the_booked_resident(harness: Harness, community: str) -> None:
    h = harness
    pid = f"s-{community}"
    await _elder(h, community, pid)
    start = _start(4)
    slot, _ = await _slots(h, community, start, doctor="u-doc-li")
    elder = h.user(f"u-{pid}")
    r = await h.client.post(
        f"/api/v1/care/slots/{slot['id']}/bookings", json={"person_id": pid}, headers=elder
    )
    assert r.status_code == 201, r.text
    booking = r.json()

    r = await h.client.post(
        f"/api/v1/care/slots/{slot['id']}/stop", json={"reason": "外出义诊"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 404  # another doctor's slot
    r = await h.client.post(
        f"/api/v1/care/slots/{slot['id']}/stop", json={"reason": "外出义诊"},
        headers=h.doctor(community, "u-doc-li"),
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["stopped"] is True and r.json()["free"] == 0

    r = await h.client.get("/api/v1/care/bookings", headers=elder)
    (mine,) = [b for b in r.json()["items"] if b["id"] == booking["id"]]
    assert mine["status"] == "cancelled" and mine["cancel_reason"] == "stopped"

    template = "care.appointment.cancelled"
    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: bool(_about(ev, booking["id"], template)),
    )  # fmt: skip
    (told,) = _about(found, booking["id"], template)
    assert told.data["recipients"]["user_ids"] == [f"u-{pid}"]
    assert told.data["variables"]["reason_zh"] == "医生停诊（外出义诊）"
    assert told.data["variables"]["person"] == "王秀英"
    r = await h.client.post(
        f"/api/v1/care/slots/{slot['id']}/bookings", json={"person_id": pid}, headers=elder
    )
    assert r.status_code == 409 and r.json()["code"] == "care.slot_cancelled"
