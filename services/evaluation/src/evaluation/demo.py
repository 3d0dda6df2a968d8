"""Demo data for ``make run``: the residents' sense of security in 幸福里社区 (identity's
demo community), so the console's evaluation pages show something.

The community admin publishes the shipped sense-of-security survey (安全感, anonymous,
one answer per person), open since the first day of last month. The demo residents who
have accounts (张伟, 李娜, 王芳) answer it through the gateway like the app does. Their
neighbours without accounts are *simulated*: 48 anonymous answers, 24 in last month and
24 in this one (a little more secure this month), each checked against the survey like
an answer through the API and written to evaluation's own database under a blind index
of ``demo:<n>`` (they name nobody). Then the admin computes last month's and this month's
three indices, so the trend has two points and the drill-down a change to explain.

Runs after identity's demo; logs in through the gateway (GATEWAY_URL) as the demo
accounts (password ``demo-pass-2026``, DEMO_PASSWORD overrides). Idempotent: when the
community has a survey, it changes nothing. It never fails the stack: problems are
printed and it exits 0.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker

from evaluation.config import Settings
from evaluation.db.models import ResponseRow, SurveyRow
from evaluation.domain.surveys import QuestionKind, Survey, check_response
from evaluation.domain.surveys.answers import holds
from evaluation.usecases.audience import stored_key
from sc_core.db.engine import make_engine
from sc_core.demo import run_gateway_demo
from sc_core.privacy import configure_cipher

PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-pass-2026"
E = "/api/v1/evaluation"
CST = timezone(timedelta(hours=8))
RESIDENTS = ("resident", "family", "tenant")  # 张伟, 李娜, 王芳
COMMENTS = (
    "晚上东门的路灯坏了一盏，希望尽快修好。",
    "快递柜旁边的监控好像不转了。",
    "消防通道经常被电动车占用。",
    "物业夜间巡逻很认真，感觉安心。",
    "希望多组织几次消防演练。",
)


def login(client: httpx.Client, username: str) -> dict[str, str]:
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def month_start(d: datetime) -> datetime:
    local = d.astimezone(CST)
    return datetime(local.year, local.month, 1, tzinfo=CST)


def answers_of(survey: Survey, rng: random.Random, mood: float) -> dict[str, Any]:
    """One plausible response: a person's agreement around ``mood`` (1–5) and each item
    around the person's (so a dimension's items hang together), items worded as insecurity
    answered the other way round, the skip logic followed."""
    personal = rng.gauss(mood, 0.7)

    def likert(mu: float) -> int:
        return max(1, min(5, round(rng.gauss(mu, 0.5))))

    given: dict[str, Any] = {}
    for section, q in survey.questions():
        if not (holds(section.show_if, given) and holds(q.show_if, given)):
            continue
        if q.kind is QuestionKind.LIKERT:
            reverse = q.measure is not None and q.measure.reverse
            given[q.id] = likert(6 - personal if reverse else personal)
        elif q.kind is QuestionKind.NPS:
            given[q.id] = max(0, min(10, round(rng.gauss(personal * 2, 1.0))))
        elif q.kind is QuestionKind.SINGLE:
            given[q.id] = q.options[0 if rng.random() < 0.3 else -1].code
        elif q.kind is QuestionKind.MULTIPLE:
            given[q.id] = [q.options[0].code]
        elif rng.random() < 0.25:
            given[q.id] = rng.choice(COMMENTS)
    return dict(check_response(survey, given).answers)


async def _neighbours(
    survey_id: uuid.UUID, community: str, buildings: list[str], months: list[datetime]
) -> None:
    settings = Settings()
    cipher = configure_cipher(settings)
    engine = make_engine(settings.database_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    now = datetime.now(UTC)
    try:
        async with sessions() as session:
            row = await session.get(SurveyRow, survey_id)
            assert row is not None
            survey = Survey.model_validate(row.definition)
            rng = random.Random(26)  # noqa: S311 - made-up answers, not secrets
            n = 0
            for month, mood in zip(months, (3.4, 3.9), strict=True):
                span = max(1.0, min((now - month).total_seconds(), 25 * 86400))
                for _ in range(24):
                    n += 1
                    session.add(
                        ResponseRow(
                            survey_id=survey_id,
                            respondent_key=stored_key(cipher, survey_id, survey, f"demo:{n}"),
                            community_id=community,
                            building_id=buildings[n % len(buildings)] if buildings else None,
                            household_id=None,
                            answers=answers_of(survey, rng, mood),
                            anonymous=True,
                            submitted_at=month + timedelta(seconds=rng.uniform(0, span)),
                        )
                    )
            await session.commit()
    finally:
        await engine.dispose()


def _answer(client: httpx.Client, url: str, survey: Survey, username: str) -> None:
    """A demo resident answers in the app; evaluation may not have placed their household
    yet (identity's events still arriving): retried within 180 s."""
    headers = login(client, username)
    rng = random.Random(username)  # noqa: S311 - made-up answers, not secrets
    body = {"answers": answers_of(survey, rng, 4.0)}
    deadline = time.monotonic() + 180
    while True:
        r = client.post(f"{url}/responses", json=body, headers=headers)
        if r.status_code != 403 or time.monotonic() > deadline:
            break
        time.sleep(1)
    if r.status_code not in (201, 409):
        print(f"evaluation demo: {username} could not answer: {r.status_code} {r.text[:200]}")


def run(gateway: str) -> str:
    with httpx.Client(base_url=gateway, timeout=60) as client:
        admin = login(client, "community_admin")
        existing = client.get(f"{E}/surveys", headers=admin)
        existing.raise_for_status()
        if existing.json()["total"]:
            return "already loaded"
        now = datetime.now(UTC)
        this_month = month_start(now)
        last_month = month_start(this_month - timedelta(days=1))
        r = client.post(
            f"{E}/surveys",
            json={
                "questionnaire": "security",
                "opens_at": last_month.isoformat(),
                "closes_at": (now + timedelta(days=30)).isoformat(),
            },
            headers=admin,
        )
        r.raise_for_status()
        created = r.json()
        survey = Survey.model_validate(created["definition"])
        url = f"{E}/surveys/{created['id']}"
        buildings = []
        for username in RESIDENTS:
            me = client.get("/api/v1/me", headers=login(client, username)).json()
            buildings += [
                h["building_id"] for h in me.get("households", []) if h.get("building_id")
            ]
        asyncio.run(
            _neighbours(
                uuid.UUID(created["id"]),
                created["community_id"],
                sorted(set(buildings)),
                [last_month, this_month],
            )
        )
        for username in RESIDENTS:
            _answer(client, url, survey, username)
        for month in (last_month, this_month):
            period = f"{month.year}-{month.month:02d}"
            r = client.post(f"{E}/indices/compute", json={"period": period}, headers=admin)
            r.raise_for_status()
        return (
            "a sense-of-security survey (48 simulated answers and the demo residents'), "
            "last month's and this month's indices"
        )


def main() -> int:
    return run_gateway_demo("evaluation", run)


if __name__ == "__main__":
    sys.exit(main())
