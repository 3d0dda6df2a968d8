"""Must show: no schema-valid event is dead-lettered by a column narrower than its
contract (issue 18): each of the service's consumers is handed the longest valid event of
each type it handles, on a migrated database, through its own handler (no broker). A task
sent down over Kafka (ADR 0042) proves its sender: it carries a real token of the client an
agreement (inserted here) names, for the one community of 64 characters that agreement
covers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from gov_affairs.db.exchange import ExchangeAgreementRow
from gov_affairs.main import MIGRATIONS, build
from gov_affairs_helpers import make_settings
from sc_core.auth import JWKSVerifier
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.testing import feed_longest
from sc_core.db.migrate import upgrade
from sc_core.privacy import configure_cipher


async def test_every_consumer_takes_the_longest_valid_events(
    module_database_url: str, jwks_url: str, issuer: LocalIssuer
) -> None:
    settings = make_settings(module_database_url, "127.0.0.1:1", False, jwks_url)
    await upgrade(MIGRATIONS, settings.database_url)
    configure_cipher(settings)  # as the app does at start (this test builds no app)
    runtime, usecases = build(settings)
    verifier = JWKSVerifier.from_settings(settings)
    usecases.inbound_tasks.verifier = lambda: verifier
    community, agreement_id = "c" * 64, uuid.uuid4()
    try:
        async with runtime.db.uow() as uow:
            uow.session.add(
                ExchangeAgreementRow(
                    id=agreement_id,
                    recipient_code="district-longest",
                    recipient_name="区平台",
                    recipient_kind="district_platform",
                    kafka_principal="district-longest",
                    client_id="svc-longest",
                    datasets=[{"dataset": "cases", "fields": ["case_type", "count"]}],
                    max_grade="internal",
                    aggregation="community",
                    frequency="daily",
                    communities=[community],
                    valid_from=date.today() - timedelta(days=10),
                    valid_to=None,
                    created_by="test",
                    created_at=datetime.now(UTC),
                )
            )
            await uow.commit()
        fed = await feed_longest(
            runtime,
            overrides={
                "community.exchange.city_task_issued.v1": {
                    "agreement_id": str(agreement_id),
                    "sender_token": issuer.issue("svc-longest", kind="service"),
                    "communities": [community],
                }
            },
        )
    finally:
        await verifier.aclose()
        await runtime.db.dispose()
    assert fed  # it has consumers, and each took what its contracts allow
    assert ("city-tasks-in", "community.exchange.city_task_issued.v1") in fed
