"""Reminders of open surveys: on each of a survey's rounds (days before it closes), the
targeted people who have not answered get one in-app message through the notification
service (``generic.message`` on notification.requests.v1, zh-CN and en).

Each round is sent at most once (``survey_reminders``, one row per survey and round,
written in the unit of work that publishes the request); rounds missed together (the
service was down) go out as one reminder; nothing is sent before a survey opens, after it
closes or once a manager closed it. Replicas take open surveys ``FOR UPDATE SKIP LOCKED``,
and the request ids are stable, so notification delivers a repeated request once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from evaluation.db.models import SurveyReminderRow, SurveyRow
from evaluation.domain.surveys import Survey, reminders_due, round_to_send
from evaluation.usecases.audience import answered, stored_key, targets
from evaluation.usecases.surveys import survey_of
from sc_contracts.events import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
)
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.privacy import FieldCipher

CST = timezone(timedelta(hours=8))
BATCH = 200  # accounts per notification request


def message(survey: Survey) -> dict[str, str]:
    """The reminder's text in both languages (the closing time in Beijing time)."""
    closes = survey.closes_at.astimezone(CST)
    zh_when = f"{closes.month}月{closes.day}日 {closes:%H:%M}"
    en_when = f"{closes:%Y-%m-%d %H:%M} (Beijing time)"
    return {
        "title": "问卷填写提醒",
        "body": f"“{survey.title.zh}”将于{zh_when}截止，您还没有填写，欢迎抽空作答。",
        "title_en": "Survey reminder",
        "body_en": f"“{survey.title.en}” closes on {en_when} and you have not answered it "
        "yet; your answers are welcome.",
    }


class Reminders:
    def __init__(
        self, db: Database, cipher: FieldCipher, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.clock = clock or (lambda: datetime.now(UTC))

    async def send_due(self, now: datetime | None = None) -> int:
        """Send every reminder round that is due; the number of people reminded."""
        now = now or self.clock()
        reminded = 0
        async with self.db.uow() as uow:
            rows = (
                await uow.session.scalars(
                    select(SurveyRow)
                    .where(SurveyRow.status == "open")
                    .order_by(SurveyRow.created_at, SurveyRow.id)
                    .with_for_update(skip_locked=True)
                    .limit(100)
                )
            ).all()
            for row in rows:
                reminded += await self._survey(uow, row, now)
            await uow.commit()
        return reminded

    async def _survey(self, uow: UnitOfWork, row: SurveyRow, now: datetime) -> int:
        survey = survey_of(row)
        sent = await uow.session.scalars(
            select(SurveyReminderRow.round_days).where(SurveyReminderRow.survey_id == row.id)
        )
        due = reminders_due(survey, now, sent.all())
        round_days = round_to_send(due)
        if round_days is None:
            return 0
        done = await answered(uow, row.id)
        accounts = sorted(
            {
                account
                for target in await targets(uow, survey)
                if stored_key(self.cipher, row.id, survey, target.key) not in done
                for account in target.accounts
            }
        )
        for start in range(0, len(accounts), BATCH):
            request_id = f"evaluation-survey-{row.id}-r{round_days}-{start // BATCH}"
            await uow.publish(
                NotificationRequestedV1(
                    request_id=request_id,
                    recipients=Recipients(user_ids=accounts[start : start + BATCH]),
                    template="generic.message",
                    variables=message(survey),
                    severity=NotificationSeverity.INFO,
                    channels=[NotificationChannel.INAPP],
                    source_service="evaluation",
                    community_id=row.community_id,
                    correlation_id=str(row.id),
                ),
                key=request_id,
            )
        for d in due:  # the rounds missed together are done with this one
            uow.session.add(
                SurveyReminderRow(
                    survey_id=row.id,
                    round_days=d,
                    recipients=len(accounts) if d == round_days else 0,
                    sent_at=now,
                )
            )
        return len(accounts)
