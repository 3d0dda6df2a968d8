"""What an alarm's lifecycle sends: the notification requests of a raised alarm (its plan's
first stage, or a special person's plan, 一人一预案), a cleared one, an acknowledged or
assigned one, and the plan's escalation stages when nobody acknowledged in time; whom each
reaches is :mod:`alarm.engine.audience`'s. Emits NotificationRequestedV1 through the
outbox with deterministic request ids (``alarm:<id>:raised``,
``alarm:<id>:escalation:<stage>`` ...)."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from alarm.db.models import Alarm, NotificationPlan
from alarm.db.registers import SpecialPerson
from alarm.engine.audience import (
    FALLBACK_ROLES,
    Audience,
    Lookups,
    in_the_flat,
    matching_plan,
    special_person_for,
    stage_audience,
)
from alarm.engine.writes import Writes, history
from sc_contracts.events.notification import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_contracts.vocabulary import label
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.privacy.masking import mask_name

log = logging.getLogger(__name__)
_CJK = re.compile(r"[\u3400-\u9fff]")
SEVERITY_TO_NOTIFICATION = {
    "critical": "critical",
    "major": "urgent",
    "minor": "warning",
    "warning": "warning",
    "indeterminate": "info",
}


async def variables(
    lookups: Lookups, alarm: Any, person: SpecialPerson | None = None, **extra: str
) -> dict[str, str]:
    """What a text about the alarm says, zh-CN and en (``x_en`` beside ``x``: notification
    gives an English reader the English one): its place in words, its title in both
    languages (the rule's ``title_en``), and, for a special person's alarm, the person's
    name masked (王** : the readers know whom it is about, the request carries no more of
    a name the register keeps encrypted)."""
    place, place_en = await lookups.place_words(alarm)
    title, title_en = titles(alarm)
    if person is not None and person.name:
        who = mask_name(person.name) or ""
        title, title_en = f"{who}：{title}", f"{who}: {title_en}"
    return {
        "alarm_type": alarm.alarm_type,
        "severity": alarm.severity,
        "title": title,
        "title_en": title_en,
        "place": place,
        "place_en": place_en,
        **extra,
    }


def titles(alarm: Any) -> tuple[str, str]:
    """The alarm's title, (zh-CN, en): the rule's title and its ``title_en``; a rule
    without an English title reads in English as its alarm type in words ("Smoke alarm"),
    never as the Chinese title. A title a person typed (a manual alarm) is theirs in both."""
    title = alarm.title
    title_en = (getattr(alarm, "details", None) or {}).get("title_en")
    if title_en:
        return title, title_en
    if getattr(alarm, "created_by", None) or not _CJK.search(title or ""):
        return title, title
    kind = label("alarm_type", str(alarm.alarm_type), "en")
    return title, f"{kind[:1].upper()}{kind[1:]} alarm"


def broadcast_variables(alarm: Any) -> dict[str, str]:
    """What speakers, screens and apps say of an alarm whose rule broadcasts: its title, in
    both languages (``emergency.warning``)."""
    title, title_en = titles(alarm)
    return {"title": title, "message": title, "title_en": title_en, "message_en": title_en}


def request_data(
    *,
    request_id: str,
    recipients: Recipients,
    template: str,
    variables: dict[str, str],
    severity: str,
    channels: list[str],
    community_id: str | None,
    correlation_id: str | None,
) -> NotificationRequestedV1:
    return NotificationRequestedV1(
        request_id=request_id,
        recipients=recipients,
        template=template,
        variables=variables,
        severity=NotificationSeverity(severity),
        channels=[NotificationChannel(c) for c in channels],
        source_service="alarm",
        community_id=community_id,
        correlation_id=correlation_id,
    )


async def request(uow: UnitOfWork, **fields: Any) -> None:
    await uow.publish(request_data(**fields), key=fields["request_id"])


async def on_raised(
    lookups: Lookups, writes: Writes, alarm: Any, default_channels: list[str]
) -> dict[str, Any]:
    """Tell the right people about a new alarm. Returns what to store on the alarm: the
    plan (escalation armed when it has further stages) or the special person."""
    severity = SEVERITY_TO_NOTIFICATION.get(alarm.severity, "warning")
    values: dict[str, Any] = {}

    def send(request_id: str, **fields: Any) -> None:
        fields.setdefault("community_id", alarm.community_id)
        fields.setdefault("correlation_id", str(alarm.id))
        writes.publish(request_data(request_id=request_id, **fields), request_id)

    if "broadcast" in (alarm.actions or []):
        send(
            f"alarm:{alarm.id}:broadcast",
            recipients=Recipients(
                roles_in_scope=[
                    RoleInScope(role=r, scope_type="community", scope_id=alarm.community_id)
                    for r in ("resident", "tenant")
                ]
            ),
            template="emergency.warning",
            variables=broadcast_variables(alarm),
            severity=severity,
            channels=["speaker", "screen", "inapp"],
        )
    person = await special_person_for(lookups, alarm)
    if person is not None:
        audience = Audience(
            user_ids=set(person.responsible_user_ids or [])
            | await lookups.on_duty(alarm.community_id),
            household_ids=set(person.notify_household_ids or []),
        )
        values["special_person_id"] = person.id
        channels = ["inapp", "push", "sms", "voice"]
        # the person's plan replaces the general plan's first stage; its later stages
        # still escalate while nobody acknowledges (an emergency must not go unheard)
        plan = await matching_plan(lookups, alarm)
        if plan is not None and len(plan.stages or []) > 1:
            values["plan_id"] = plan.id
            delay = float(plan.stages[1].get("after_s", 300))
            values["next_escalation_at"] = alarm.first_at + timedelta(seconds=delay)
    else:
        if "notify" not in (alarm.actions or []):
            return values
        plan = await matching_plan(lookups, alarm)
        stages = plan.stages if plan is not None and plan.stages else []
        if plan is not None and stages:
            audience = await stage_audience(lookups, alarm.community_id, stages[0])
            channels = list(plan.channels or default_channels)
            values["plan_id"] = plan.id
            if len(stages) > 1:
                delay = float(stages[1].get("after_s", 300))
                values["next_escalation_at"] = alarm.first_at + timedelta(seconds=delay)
        else:  # no plan: whoever is on duty, and the property managers
            audience = Audience(
                user_ids=set(await lookups.on_duty(alarm.community_id)),
                roles=set(FALLBACK_ROLES),
            )
            channels = default_channels
        await in_the_flat(lookups, alarm, audience)
    recipients = audience.recipients(alarm.community_id)
    if recipients is None:
        log.warning("alarm %s: nobody to notify", alarm.id)
        return values
    # whom the plan told follow the alarm: they read it, hear of its steps and, when the
    # special person's plan says so, acknowledge it
    values["notified_user_ids"] = sorted(audience.user_ids)
    values["notified_household_ids"] = sorted(audience.household_ids)
    values["notified_may_ack"] = bool(person is not None and person.family_may_acknowledge)
    told = await variables(lookups, alarm, person)  # an elder's emergency names the elder
    send(
        f"alarm:{alarm.id}:raised",
        recipients=recipients,
        template="alarm.raised",
        variables=told,
        severity=severity,
        channels=channels,
    )
    writes.note(alarm.id, "notified", None, stage=0, special_person=person is not None)
    return values


async def on_cleared(
    lookups: Lookups, writes: Writes, alarm: Any, default_channels: list[str]
) -> None:
    """Tell those told of the alarm (its plan's first stage, or the special person's
    people) that it is cleared."""
    audience: Audience | None = None
    person = await lookups.person(alarm)
    if person is not None:
        audience = Audience(
            user_ids=set(person.responsible_user_ids or [])
            | await lookups.on_duty(alarm.community_id),
            household_ids=set(person.notify_household_ids or []),
        )
    elif "notify" in (alarm.actions or []):
        plan = next(
            (p for p in await lookups.plans(alarm.community_id) if p.id == alarm.plan_id), None
        )
        if plan is not None and plan.stages:
            audience = await stage_audience(lookups, alarm.community_id, plan.stages[0])
        else:
            audience = Audience(
                user_ids=set(await lookups.on_duty(alarm.community_id)),
                roles=set(FALLBACK_ROLES),
            )
        await in_the_flat(lookups, alarm, audience)
    if audience is None:
        audience = Audience()
    audience.user_ids |= set(alarm.notified_user_ids or [])
    audience.household_ids |= set(alarm.notified_household_ids or [])
    recipients = audience.recipients(alarm.community_id)
    if recipients is None:
        return
    request_id = f"alarm:{alarm.id}:cleared"
    event = request_data(
        request_id=request_id,
        recipients=recipients,
        template="alarm.cleared",
        variables=_without_severity(await variables(lookups, alarm, person)),
        severity="info",
        channels=["inapp", "push"],
        community_id=alarm.community_id,
        correlation_id=str(alarm.id),
    )
    writes.publish(event, request_id)


def _without_severity(told: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in told.items() if k != "severity"}


async def on_step(lookups: Lookups, writes: Writes, alarm: Any, step: str) -> None:
    """Tell whom the alarm's plan told that it was acknowledged or assigned (staff hear
    of it on their streams; the family would not otherwise)."""
    audience = Audience(
        user_ids=set(alarm.notified_user_ids or []),
        household_ids=set(alarm.notified_household_ids or []),
    )
    recipients = audience.recipients(alarm.community_id)
    if recipients is None:
        return
    request_id = f"alarm:{alarm.id}:{step}"
    if step == "assigned":  # an alarm may be assigned more than once
        request_id += f":{uuid.uuid4().hex[:12]}"
    event = request_data(
        request_id=request_id,
        recipients=recipients,
        template=f"alarm.{step}",
        variables=_without_severity(await variables(lookups, alarm, await lookups.person(alarm))),
        severity="info",
        channels=["inapp", "push"],
        community_id=alarm.community_id,
        correlation_id=str(alarm.id),
    )
    writes.publish(event, request_id)


async def store_decisions(uow: UnitOfWork, decided: dict[Any, dict[str, Any]]) -> None:
    """Plan, escalation time, special person and whom the plan told of new alarms, in one
    statement."""
    rows = [
        {
            "id": alarm_id,
            "plan_id": v.get("plan_id"),
            "special_person_id": v.get("special_person_id"),
            "next_escalation_at": v.get("next_escalation_at"),
            "notified_user_ids": v.get("notified_user_ids", []),
            "notified_household_ids": v.get("notified_household_ids", []),
            "notified_may_ack": v.get("notified_may_ack", False),
        }
        for alarm_id, v in decided.items()
        if v
    ]
    if rows:
        await uow.session.execute(update(Alarm), rows)


async def escalate_due(db: Database, default_channels: list[str]) -> int:
    """Move every unacknowledged alarm whose next stage is due to that stage."""
    done = 0
    async with db.uow() as uow:
        lookups = Lookups(uow)
        rows = (
            await uow.session.scalars(
                select(Alarm)
                .where(
                    Alarm.next_escalation_at <= datetime.now(UTC),
                    Alarm.status == "active_unack",
                )
                .order_by(Alarm.next_escalation_at)
                .limit(200)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for alarm in rows:
            plan = await uow.session.get(NotificationPlan, alarm.plan_id) if alarm.plan_id else None
            stage = alarm.escalation_stage + 1
            alarm.next_escalation_at = None
            if plan is None or stage >= len(plan.stages):
                continue
            stages = plan.stages
            alarm.escalation_stage = stage
            if stage + 1 < len(stages):
                delay = float(stages[stage + 1].get("after_s", 300))
                alarm.next_escalation_at = alarm.first_at + timedelta(seconds=delay)
            audience = await stage_audience(lookups, alarm.community_id, stages[stage])
            recipients = audience.recipients(alarm.community_id)
            if recipients is not None:
                await request(
                    uow,
                    request_id=f"alarm:{alarm.id}:escalation:{stage}",
                    recipients=recipients,
                    template="alarm.escalated",
                    variables=await variables(
                        lookups, alarm, await lookups.person(alarm), stage=str(stage)
                    ),
                    severity=SEVERITY_TO_NOTIFICATION.get(alarm.severity, "warning"),
                    channels=list(plan.channels or default_channels),
                    community_id=alarm.community_id,
                    correlation_id=str(alarm.id),
                )
            await history(uow, alarm.id, "escalated", None, stage=stage)
            done += 1
        await uow.commit()
    return done
