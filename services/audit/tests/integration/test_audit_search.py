"""Auditors search, export and summarise the trail; personal data stays masked; an
export is itself audited; a community-scoped auditor sees only that community."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from audit.api.schemas import AuditRecordRead
from audit.db.models import RECORD_FIELDS, AuditRecord
from audit.domain.masking import mask_record
from audit.domain.vocabulary import EXPORT_ACTION, SEARCH_ACTION
from audittools import bearer, make_record, store
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from sc_core.auth.testing import LocalIssuer
from sc_core.privacy.grades import grade_for

T0 = datetime(2026, 4, 6, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


async def seed(app: FastAPI) -> None:
    def rec(minutes: int, **fields: object):  # type: ignore[no-untyped-def]
        return make_record(occurred_at=T0 + timedelta(minutes=minutes), **fields)

    await store(
        app.state.runtime.db,
        rec(
            0,
            action="auth.login",
            outcome="failure",
            actor_id=None,
            actor_type="anonymous",
            actor_roles=[],
            resource_type="account",
            resource_id="13812345678",
        ),
        rec(1, action="auth.login", outcome="denied", resource_type="account"),
        rec(2, action="auth.login", outcome="success", resource_type="account"),
        rec(
            3,
            action="person.read_sensitive",
            actor_roles=["police"],
            resource_type="person",
            detail={"id_number": "110101199003071234"},
        ),
        rec(
            4,
            action="person.read_sensitive",
            actor_roles=["grid_worker", "community_admin"],
            resource_type="person",
        ),
        rec(60 * 24, action="workorder.create", community_id="c-2", actor_id="u-9"),
    )


async def test_search_filters_pages_and_masks(
    audit_app: FastAPI, audit_client: AsyncClient, issuer: LocalIssuer
) -> None:
    await seed(audit_app)
    auth = bearer(issuer, "auditor")
    page = (await audit_client.get("/api/v1/audit-records?limit=2", headers=auth)).json()
    assert (page["total"], len(page["items"]), page["next_offset"]) == (6, 2, 2)
    assert page["items"][0]["action"] == "workorder.create"  # newest first

    logins = await audit_client.get(
        "/api/v1/audit-records",
        params={"action": "auth.*", "outcome": "failure", "from": "2026-04-06", "to": "2026-04-07"},
        headers=auth,
    )
    (failed,) = logins.json()["items"]
    assert failed["resource_id"] == "138****5678"
    assert failed["actor_type"] == "anonymous"
    assert failed["source_ip"] == "203.0.113.9"

    reads = await audit_client.get(
        "/api/v1/audit-records", params={"resource_type": "person"}, headers=auth
    )
    details = [item["detail"] for item in reads.json()["items"]]
    assert {"id_number": "110***********1234"} in details

    by_actor = await audit_client.get(
        "/api/v1/audit-records", params={"actor": "u-9"}, headers=auth
    )
    assert [i["community_id"] for i in by_actor.json()["items"]] == ["c-2"]

    bad = await audit_client.get(
        "/api/v1/audit-records", params={"from": "2026-04-07", "to": "2026-04-06"}, headers=auth
    )
    assert bad.status_code == 422 and bad.json()["code"] == "audit.bad_range"


async def test_a_listed_record_is_what_its_read_model_makes_of_it(
    audit_app: FastAPI, audit_client: AsyncClient, issuer: LocalIssuer
) -> None:
    """The page is serialised straight from the stored rows (``api.records.masked``): each
    item is, key for key, what ``AuditRecordRead`` makes of the stored record masked for
    the same reader, the masked ones included."""
    await seed(audit_app)
    auth = bearer(issuer, "auditor")
    items = (await audit_client.get("/api/v1/audit-records", headers=auth)).json()["items"]
    async with audit_app.state.runtime.db.uow() as uow:
        stored = (await uow.session.scalars(select(AuditRecord))).all()
    grade = grade_for(["auditor"])
    expected = {
        str(r.record_id): AuditRecordRead.model_validate(
            mask_record({name: getattr(r, name) for name in RECORD_FIELDS}, grade)
        ).model_dump(mode="json")
        for r in stored
    }
    assert len(items) == 6 and {i["record_id"]: i for i in items} == expected
    masked_ids = [i["resource_id"] for i in items if i["resource_id"] == "138****5678"]
    assert masked_ids and {"id_number": "110***********1234"} in [i["detail"] for i in items]


async def test_a_community_auditor_sees_only_that_community(
    audit_app: FastAPI, audit_client: AsyncClient, issuer: LocalIssuer
) -> None:
    await seed(audit_app)
    auth = bearer(issuer, "auditor", ("community", "c-2"))
    items = (await audit_client.get("/api/v1/audit-records", headers=auth)).json()["items"]
    assert [i["community_id"] for i in items] == ["c-2"]


async def test_export_is_masked_bounded_and_audited(
    audit_app: FastAPI, audit_client: AsyncClient, issuer: LocalIssuer
) -> None:
    await seed(audit_app)
    auth = bearer(issuer, "platform_admin")
    response = await audit_client.get(
        "/api/v1/audit-records/export.csv", params={"action": "auth.login"}, headers=auth
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["outcome"] for r in rows] == ["failure", "denied", "success"]  # oldest first
    assert rows[0]["resource_id"] == "138****5678"

    db = audit_app.state.runtime.db
    async with db.engine.connect() as conn:
        payloads = (await conn.scalars(select(db.tables.outbox.c.payload))).all()
    (export,) = [p for p in map(json.loads, payloads) if p["action"] == EXPORT_ACTION]
    assert export["actor_id"] == "u-platform_admin"
    assert export["detail"] == {"filter.action": "auth.login", "rows": "3", "format": "csv"}

    audit_app.state.settings.audit_export_max_rows = 2
    too_many = await audit_client.get("/api/v1/audit-records/export.csv", headers=auth)
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "audit.export_too_large"


async def test_every_search_of_the_trail_is_itself_audited(
    audit_app: FastAPI, audit_client: AsyncClient, issuer: LocalIssuer
) -> None:
    """Issue 30 (10): who looked at whose records is on the record too."""
    await seed(audit_app)
    auth = bearer(issuer, "auditor")
    r = await audit_client.get(
        "/api/v1/audit-records", params={"resource_type": "person"}, headers=auth
    )
    assert r.status_code == 200
    db = audit_app.state.runtime.db
    async with db.engine.connect() as conn:
        payloads = (await conn.scalars(select(db.tables.outbox.c.payload))).all()
    (search,) = [p for p in map(json.loads, payloads) if p["action"] == SEARCH_ACTION]
    assert search["actor_id"] == "u-auditor" and search["resource_type"] == "audit_record"
    assert search["detail"] == {"filter.resource_type": "person", "matched": "2", "offset": "0"}


async def test_summary_counts_for_dashboards(
    audit_app: FastAPI, audit_client: AsyncClient, issuer: LocalIssuer
) -> None:
    await seed(audit_app)
    response = await audit_client.get(
        "/api/v1/audit-records/summary",
        params={"from": "2026-04-06T00:00:00+08:00", "to": "2026-04-08T00:00:00+08:00"},
        headers=bearer(issuer, "auditor"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["timezone"] == "Asia/Shanghai"
    counts = {(c["day"], c["action"], c["outcome"]): c["count"] for c in body["by_action_outcome"]}
    assert counts == {
        ("2026-04-06", "auth.login", "denied"): 1,
        ("2026-04-06", "auth.login", "failure"): 1,
        ("2026-04-06", "auth.login", "success"): 1,
        ("2026-04-06", "person.read_sensitive", "success"): 2,
        ("2026-04-07", "workorder.create", "success"): 1,
    }
    assert body["failed_logins"] == [{"day": "2026-04-06", "count": 2}]
    assert body["failed_logins_total"] == 2
    assert body["sensitive_reads_by_role"] == [
        {"role": "community_admin", "count": 1},
        {"role": "grid_worker", "count": 1},
        {"role": "police", "count": 1},
    ]
    too_long = await audit_client.get(
        "/api/v1/audit-records/summary",
        params={"from": "2024-01-01", "to": "2026-01-01"},
        headers=bearer(issuer, "auditor"),
    )
    assert too_long.json()["code"] == "audit.range_too_large"
