"""Childcare (托幼, 6.2.3): enrolment, daily check-in and check-out by an authorised
guardian, temperatures and behaviour notes, alerts, and video grants (pure).

A child's day is one :class:`Day`: at most one check-in and one check-out, by guardians the
child's record names (drop-off by any of them, pick-up only by those allowed to pick up).
A temperature of 37.3 ℃ or more at the door keeps the child home and tells the guardians;
during the day it tells the guardians and the class once. A child still checked in
``pickup_grace`` after closing time raises one "not picked up" alert.

A video grant lets a guardian (or someone a guardian names among the child's guardians)
watch one camera of the child's class for a bounded window; only a guardian allowed to
authorise may grant, the window lies within a day's opening hours, and a grant can be
revoked before it ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

FEVER_C = 37.3
MAX_VIDEO_WINDOW = timedelta(hours=12)
MAX_VIDEO_AHEAD = timedelta(days=30)
SHANGHAI = ZoneInfo("Asia/Shanghai")


class ChildcareError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True)
class Nursery:
    id: str
    name: str  # 幸福里社区托育园
    opens: time
    closes: time
    pickup_grace: timedelta = timedelta(minutes=15)
    early_drop_off: timedelta = timedelta(minutes=30)
    tz: ZoneInfo = SHANGHAI


@dataclass(frozen=True)
class NurseryClass:
    id: str
    nursery_id: str
    name: str  # 小一班
    capacity: int
    camera_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Guardian:
    user_id: str
    relation: str  # 母亲 / 父亲 / 祖母 ...
    can_pick_up: bool = True
    can_authorise: bool = False  # may grant video access and change the list


@dataclass(frozen=True)
class Child:
    id: str
    name: str
    birth_date: date
    class_id: str | None
    guardians: Mapping[str, Guardian] = field(default_factory=dict)


def enrol(child: Child, klass: NurseryClass, enrolled: int) -> Child:
    """Put a child in a class with room; ``enrolled``: children in it now."""
    if child.class_id == klass.id:
        raise ChildcareError(
            "care.childcare_already_enrolled",
            "该幼儿已在本班。",
            "The child is already in this class.",
        )
    if enrolled >= klass.capacity:
        raise ChildcareError(
            "care.childcare_class_full", f"{klass.name}已满员。", f"{klass.name} is full."
        )
    if not any(g.can_authorise for g in child.guardians.values()):
        raise ChildcareError(
            "care.childcare_no_guardian",
            "入园须登记至少一位监护人。",
            "A child needs at least one guardian to enrol.",
        )
    return replace(child, class_id=klass.id)


class AlertKind(StrEnum):
    FEVER = "fever"
    NOT_PICKED_UP = "not_picked_up"
    INCIDENT = "incident"


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    child_id: str
    at: datetime
    value: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class Day:
    child_id: str
    day: date
    checked_in_at: datetime | None = None
    checked_in_by: str | None = None
    checked_out_at: datetime | None = None
    checked_out_by: str | None = None
    fever_told: bool = False
    overdue_told: bool = False
    refused_at: datetime | None = None  # kept home at the door (fever)

    @property
    def present(self) -> bool:
        return self.checked_in_at is not None and self.checked_out_at is None


def _local(at: datetime, n: Nursery) -> datetime:
    return at.astimezone(n.tz)


def check_in(
    day: Day, child: Child, nursery: Nursery, guardian_id: str, at: datetime, temperature: float
) -> tuple[Day, list[Alert]]:
    g = child.guardians.get(guardian_id)
    if g is None:
        raise ChildcareError(
            "care.childcare_not_guardian",
            "您不是该幼儿登记的监护人。",
            "You are not a registered guardian of this child.",
        )
    if day.checked_in_at is not None:
        raise ChildcareError(
            "care.childcare_already_in",
            f"{child.name}今天已入园。",
            f"{child.name} is already checked in today.",
        )
    local = _local(at, nursery)
    opens = datetime.combine(local.date(), nursery.opens, nursery.tz) - nursery.early_drop_off
    closes = datetime.combine(local.date(), nursery.closes, nursery.tz)
    if not opens <= local < closes:
        raise ChildcareError(
            "care.childcare_closed",
            f"{nursery.name}开放时间为{nursery.opens:%H:%M}–{nursery.closes:%H:%M}。",
            f"{nursery.name} is open {nursery.opens:%H:%M}–{nursery.closes:%H:%M}.",
        )
    if temperature >= FEVER_C:
        return replace(day, refused_at=at, fever_told=True), [
            Alert(AlertKind.FEVER, child.id, at, temperature, note="at_door")
        ]
    return replace(day, checked_in_at=at, checked_in_by=guardian_id), []


def check_out(day: Day, child: Child, guardian_id: str, at: datetime) -> Day:
    g = child.guardians.get(guardian_id)
    if g is None or not g.can_pick_up:
        raise ChildcareError(
            "care.childcare_not_pickup",
            "您未被授权接送该幼儿，请联系监护人。",
            "You are not allowed to pick up this child; please contact a guardian.",
        )
    if not day.present:
        raise ChildcareError(
            "care.childcare_not_in",
            f"{child.name}今天没有在园。",
            f"{child.name} is not checked in today.",
        )
    return replace(day, checked_out_at=at, checked_out_by=guardian_id)


def temperature(day: Day, child_id: str, at: datetime, value: float) -> tuple[Day, list[Alert]]:
    """A temperature taken during the day: a fever tells once a day."""
    if value >= FEVER_C and not day.fever_told:
        return replace(day, fever_told=True), [Alert(AlertKind.FEVER, child_id, at, value)]
    return day, []


def overdue(day: Day, nursery: Nursery, now: datetime) -> tuple[Day, list[Alert]]:
    """Still checked in after closing and the grace: one alert."""
    if not day.present or day.overdue_told:
        return day, []
    local_day = _local(day.checked_in_at or now, nursery).date()
    due = datetime.combine(local_day, nursery.closes, nursery.tz) + nursery.pickup_grace
    if now < due:
        return day, []
    return replace(day, overdue_told=True), [Alert(AlertKind.NOT_PICKED_UP, day.child_id, now)]


class NoteKind(StrEnum):
    MEAL = "meal"
    NAP = "nap"
    MOOD = "mood"
    ACTIVITY = "activity"
    INCIDENT = "incident"  # a fall, a bump, a quarrel: guardians are told


@dataclass(frozen=True)
class BehaviourNote:
    child_id: str
    at: datetime
    kind: NoteKind
    text: str
    author: str


def behaviour(note: BehaviourNote) -> list[Alert]:
    if not note.text.strip():
        raise ChildcareError(
            "care.childcare_note_empty", "记录内容不能为空。", "A note needs some text."
        )
    if note.kind is NoteKind.INCIDENT:
        return [Alert(AlertKind.INCIDENT, note.child_id, note.at, note=note.text)]
    return []


@dataclass(frozen=True)
class VideoGrant:
    id: str
    child_id: str
    camera_id: str
    grantee: str  # a guardian's account
    granted_by: str
    start: datetime
    end: datetime
    revoked_at: datetime | None = None

    def active_at(self, at: datetime) -> bool:
        if self.revoked_at is not None and at >= self.revoked_at:
            return False
        return self.start <= at < self.end


def grant_video(
    *,
    grant_id: str,
    child: Child,
    klass: NurseryClass,
    nursery: Nursery,
    actor: str,
    grantee: str,
    camera_id: str,
    start: datetime,
    end: datetime,
    now: datetime,
) -> VideoGrant:
    g = child.guardians.get(actor)
    if g is None or not g.can_authorise:
        raise ChildcareError(
            "care.video_not_authoriser",
            "只有有授权权限的监护人可以开通视频查看。",
            "Only a guardian with authority may grant video access.",
        )
    if grantee not in child.guardians:
        raise ChildcareError(
            "care.video_grantee",
            "只能授权给该幼儿登记的监护人。",
            "Video access can only be granted to the child's registered guardians.",
        )
    if child.class_id != klass.id or camera_id not in klass.camera_ids:
        raise ChildcareError(
            "care.video_camera",
            "只能查看孩子所在班级的摄像头。",
            "Only the cameras of the child's own class can be viewed.",
        )
    if not (
        now <= end
        and start < end
        and end - start <= MAX_VIDEO_WINDOW
        and start - now <= MAX_VIDEO_AHEAD
    ):
        raise ChildcareError(
            "care.video_window",
            "查看时段须在30天内，且单次不超过12小时。",
            "The window must end after it starts, last at most 12 hours and begin within 30 days.",
        )
    ls, le = start.astimezone(nursery.tz), end.astimezone(nursery.tz)
    if ls.date() != le.date() or ls.time() < nursery.opens or le.time() > nursery.closes:
        raise ChildcareError(
            "care.video_window",
            f"查看时段须在同一天的开放时间{nursery.opens:%H:%M}–{nursery.closes:%H:%M}内。",
            "The window must lie within one day's opening hours, "
            f"{nursery.opens:%H:%M}–{nursery.closes:%H:%M}.",
        )
    return VideoGrant(grant_id, child.id, camera_id, grantee, actor, start, end)
