"""Notices: what the care service asks the notification service to deliver, to whom, how
urgently and under which request id (pure). The words are the templates'
(:mod:`care.domain.templates`); the variables come from :mod:`care.domain.messages`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from care.domain.childcare import Alert as ChildAlert
from care.domain.childcare import AlertKind as ChildAlertKind
from care.domain.consent import Recipient
from care.domain.lone_elder import Anomaly
from care.domain.messages import DEFAULT_TZ, anomaly_words, breach_variables, local_time
from care.domain.questionnaire import Definition, Level, Result
from care.domain.thresholds import Episode, Threshold
from care.domain.vitals import Source


@dataclass(frozen=True)
class Notice:
    """What to ask the notification service for (the use case wraps it in
    ``NotificationRequestedV1``). ``request_id`` makes a redelivered event tell nobody
    twice: the notification service delivers one request id once."""

    request_id: str
    template: str
    variables: dict[str, str]
    severity: str  # info | warning | urgent | critical
    channels: tuple[str, ...]
    user_ids: tuple[str, ...] = ()
    roles_in_scope: tuple[tuple[str, str, str], ...] = ()  # (role, scope type, scope id)


ALERT_CHANNELS = ("inapp", "push", "sms")


def breach_notice(
    episode_id: str,
    person: str,
    episode: Episode,
    threshold: Threshold,
    source: Source,
    recipients: Iterable[Recipient],
    tz: ZoneInfo = DEFAULT_TZ,
) -> Notice | None:
    """The one notice of a breach episode to the people the consent names (None: nobody)."""
    users = tuple(r.user_id for r in recipients)
    if not users:
        return None
    return Notice(
        request_id=f"care:breach:{episode_id}",
        template="care.vitals.breach",
        variables=breach_variables(person, episode, threshold, source, tz),
        severity="urgent",
        channels=ALERT_CHANNELS,
        user_ids=users,
    )


def anomaly_notices(
    anomaly: Anomaly,
    visit_id: str,
    person: str,
    place: str,
    family: Iterable[Recipient],
    grid_id: str | None,
) -> list[Notice]:
    """The family is told what was seen and that someone will look; the grid worker(s) of
    the building's grid get the check-on visit."""
    what_zh, what_en = anomaly_words(anomaly)
    variables = {"person": person, "place": place, "what_zh": what_zh, "what_en": what_en}
    out = []
    users = tuple(r.user_id for r in family)
    if users:
        out.append(
            Notice(f"care:anomaly:{anomaly.key}", "care.watch.anomaly", variables, "warning",
                   ALERT_CHANNELS, user_ids=users)
        )  # fmt: skip
    if grid_id:
        out.append(
            Notice(f"care:visit:{visit_id}", "care.watch.visit", variables, "warning",
                   ("inapp", "push"), roles_in_scope=(("grid_worker", "grid", grid_id),))
        )  # fmt: skip
    return out


def wandering_notice(
    person: str,
    zone_name: str,
    left: bool,
    at: datetime,
    distance_m: float,
    family: Iterable[Recipient],
    grid_id: str | None,
    excursion_id: str,
    tz: ZoneInfo = DEFAULT_TZ,
) -> Notice | None:
    zh, en = local_time(at, tz)
    users = tuple(r.user_id for r in family)
    roles = (("grid_worker", "grid", grid_id),) if grid_id and left else ()
    if not users and not roles:
        return None
    return Notice(
        request_id=f"care:wandering:{excursion_id}:{'left' if left else 'returned'}",
        template="care.wandering.left" if left else "care.wandering.returned",
        variables={
            "person": person,
            "zone": zone_name,
            "time_zh": zh,
            "time_en": en,
            "distance": f"{max(0, round(distance_m))}",
        },
        severity="urgent" if left else "info",
        channels=ALERT_CHANNELS if left else ("inapp", "push"),
        user_ids=users,
        roles_in_scope=roles,
    )


def childcare_notice(
    alert: ChildAlert,
    child: str,
    nursery: str,
    closes: str,
    guardians: Iterable[str],
    tz: ZoneInfo = DEFAULT_TZ,
) -> Notice | None:
    users = tuple(guardians)
    if not users:
        return None
    zh, en = local_time(alert.at, tz)
    variables = {"child": child, "nursery": nursery, "time_zh": zh, "time_en": en}
    if alert.kind is ChildAlertKind.FEVER:
        at_door = alert.note == "at_door"
        variables |= {
            "value": f"{alert.value:.1f}",
            "action_zh": "今天暂不能入园，请带孩子就医观察。" if at_door else "请尽快来园接回。",
            "action_en": "the child cannot stay today; please see a doctor."
            if at_door
            else "please come and take the child home.",
        }
        template, severity = "care.childcare.fever", "urgent"
    elif alert.kind is ChildAlertKind.NOT_PICKED_UP:
        variables |= {"closes": closes}
        template, severity = "care.childcare.not_picked_up", "urgent"
    else:
        variables |= {"note": alert.note or ""}
        template, severity = "care.childcare.incident", "warning"
    stamp = alert.at.isoformat()
    return Notice(
        f"care:childcare:{alert.kind}:{alert.child_id}:{stamp}", template, variables, severity,
        ALERT_CHANNELS, user_ids=users,
    )  # fmt: skip


def appointment_notice(
    template: str,
    booking_id: str,
    person: str,
    doctor: str,
    station: str,
    start: datetime,
    users: Iterable[str],
    *,
    reason: tuple[str, str] = ("", ""),
    tz: ZoneInfo = DEFAULT_TZ,
    lead: timedelta | None = None,
) -> Notice:
    """``care.appointment.booked|reminder|cancelled`` for one booking (a reminder's request
    id carries the start and how long before it the reminder falls, so each of the two
    reminders is sent once)."""
    zh, en = local_time(start, tz)
    suffix = ""
    if template.endswith("reminder"):
        suffix = f":{start.isoformat()}"
        if lead is not None:
            suffix += f":{int(lead.total_seconds() // 60)}m"
    return Notice(
        f"{template}:{booking_id}{suffix}",
        template,
        {
            "person": person,
            "doctor": doctor,
            "station": station,
            "time_zh": zh,
            "time_en": en,
            "reason_zh": reason[0],
            "reason_en": reason[1],
        },
        "info" if template.endswith("booked") else "warning",
        ("inapp", "push", "sms") if template.endswith("reminder") else ("inapp", "push"),
        user_ids=tuple(users),
    )


def assessment_flag_notice(
    response_id: str, person: str, defn: Definition, result: Result, doctors: Iterable[str]
) -> Notice | None:
    """A result whose level is urgent or critical (a band or a flag) goes to the doctors."""
    if result.level not in (Level.URGENT, Level.CRITICAL):
        return None
    users = tuple(doctors)
    if not users:
        return None
    flag_zh = " ".join(f.label.zh for f in result.flags)
    flag_en = " ".join(f.label.en for f in result.flags)
    return Notice(
        f"care:assessment:{response_id}",
        "care.assessment.flag",
        {
            "person": person,
            "title_zh": defn.title.zh,
            "title_en": defn.title.en,
            "band_zh": result.band.label.zh,
            "band_en": result.band.label.en,
            "total": str(result.total),
            "flag_zh": flag_zh or result.band.meaning.zh,
            "flag_en": flag_en or result.band.meaning.en,
        },
        "critical" if result.level is Level.CRITICAL else "urgent",
        ALERT_CHANNELS,
        user_ids=users,
    )


def visit_scheduled_notice(
    visit_id: str,
    person: str,
    assignee: str,
    due: datetime,
    reason: tuple[str, str],
    users: Iterable[str],
    tz: ZoneInfo = DEFAULT_TZ,
) -> Notice | None:
    """``care.visit.scheduled``: the person and their family are told who comes and when."""
    told = tuple(dict.fromkeys(users))
    if not told:
        return None
    zh, en = local_time(due, tz)
    return Notice(
        f"care:visit:{visit_id}:scheduled",
        "care.visit.scheduled",
        {"assignee": assignee, "person": person, "time_zh": zh, "time_en": en,
         "reason_zh": reason[0], "reason_en": reason[1]},
        "info",
        ("inapp", "push"),
        user_ids=told,
    )  # fmt: skip


def assessment_sent_notice(
    assessment_id: str, person: str, sender: str, defn: Definition, users: Iterable[str]
) -> Notice | None:
    """``care.assessment.sent``: the person (or guardian) is asked to fill in a scale, with
    about how long it takes (half a minute a question, at least two minutes)."""
    told = tuple(dict.fromkeys(users))
    if not told:
        return None
    minutes = max(2, (len(defn.items) + 1) // 2)
    return Notice(
        f"care:assessment:{assessment_id}:sent",
        "care.assessment.sent",
        {"sender": sender, "person": person, "title_zh": defn.title.zh,
         "title_en": defn.title.en, "minutes": str(minutes)},
        "info",
        ("inapp", "push"),
        user_ids=told,
    )  # fmt: skip


@dataclass(frozen=True)
class HouseholdNotice(Notice):
    """A notice to every member of some households (a building's, a community's)."""

    household_ids: tuple[str, ...] = ()


def warning_notice(
    alert_key: str, words: dict[str, str], household_ids: Iterable[str], severity: str
) -> HouseholdNotice | None:
    """A CAP warning in plain words to the households it reaches (``words``:
    :func:`care.domain.warnings.plain_words`)."""
    households = tuple(sorted(set(household_ids)))
    if not households:
        return None
    return HouseholdNotice(
        f"care:warning:{alert_key}", "care.warning", dict(words), severity,
        ("inapp", "push", "sms"), household_ids=households,
    )  # fmt: skip


def health_notice(
    notice_id: str,
    title: tuple[str, str],
    body: tuple[str, str],
    household_ids: Iterable[str],
) -> HouseholdNotice:
    """A public-health notice (e.g. disinfection of building 1) to the affected homes."""
    households = tuple(sorted(set(household_ids)))
    if not households or not all(title) or not all(body):
        raise ValueError("a notice needs a title and a text in both languages, and homes to go to")
    return HouseholdNotice(
        f"care:health-notice:{notice_id}", "care.health.notice",
        {"title_zh": title[0], "title_en": title[1], "body_zh": body[0], "body_en": body[1]},
        "warning", ("inapp", "push"), household_ids=households,
    )  # fmt: skip


def isolation_notice(
    isolation_id: str, place: str, at: datetime, grid_worker: str, doctor: str | None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> Notice:  # fmt: skip
    zh, en = local_time(at, tz)
    users = tuple(u for u in (grid_worker, doctor) if u)
    return Notice(
        f"care:isolation:{isolation_id}:{at.isoformat()}", "care.isolation.door_opened",
        {"place": place, "time_zh": zh, "time_en": en}, "urgent", ALERT_CHANNELS, user_ids=users,
    )  # fmt: skip


MEDICINE_TEMPLATES = {
    "accepted": "care.medicine.accepted",
    "out_for_delivery": "care.medicine.out_for_delivery",
    "delivered": "care.medicine.delivered",
    "cancelled": "care.medicine.cancelled",
}


def medicine_notice(
    request_id: str,
    status: str,
    person: str,
    count: int,
    at: datetime,
    users: Iterable[str],
    tz: ZoneInfo = DEFAULT_TZ,
) -> Notice | None:
    """``care.medicine.<status>``: the requester, the person and their guardians hear how
    a medicine delivery moves (how many medicines, never which: a lock screen is not the
    place for a medication list), once per request and status."""
    told = tuple(dict.fromkeys(u for u in users if u))
    template = MEDICINE_TEMPLATES.get(status)
    if not told or template is None:
        return None
    zh, en = local_time(at, tz)
    return Notice(
        f"care:medicine:{request_id}:{status}",
        template,
        {"person": person, "count": str(count),
         "count_en": f"{count} medicine" + ("" if count == 1 else "s"),
         "time_zh": zh, "time_en": en},
        "info",
        ("inapp", "push"),
        user_ids=told,
    )  # fmt: skip


def fall_notice(
    alarm_id: str,
    person: str,
    at: datetime,
    recipients: Iterable[Recipient],
    tz: ZoneInfo = DEFAULT_TZ,
) -> Notice | None:
    """``care.fall.recorded``: the people the consent names (alerts on vitals) hear that a
    fall is on the record, once per alarm however often the alarm is seen again."""
    users = tuple(dict.fromkeys(r.user_id for r in recipients))
    if not users:
        return None
    zh, en = local_time(at, tz)
    return Notice(
        f"care:fall:{alarm_id}",
        "care.fall.recorded",
        {"person": person, "time_zh": zh, "time_en": en},
        "urgent",
        ALERT_CHANNELS,
        user_ids=users,
    )
