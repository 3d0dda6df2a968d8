"""Only auditors and platform admins read the trail; everyone else gets 403, and the
attempt itself is recorded."""

from __future__ import annotations

import json

import pytest
from audit.domain.vocabulary import DENIED_READ_ACTION
from audittools import bearer
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from sc_core.auth.testing import LocalIssuer

ENDPOINTS = [
    "/api/v1/audit-records",
    "/api/v1/audit-records/export.csv",
    "/api/v1/audit-records/verify?day=2026-05-04",
    "/api/v1/audit-records/summary",
]


@pytest.mark.parametrize("role", ["resident", "property_staff", "community_admin"])
async def test_other_roles_cannot_read_the_trail(
    audit_app: FastAPI, audit_client: AsyncClient, issuer: LocalIssuer, role: str
) -> None:
    for path in ENDPOINTS:
        response = await audit_client.get(path, headers=bearer(issuer, role))
        assert response.status_code == 403, (path, response.text)
        assert response.json()["code"] == "auth.forbidden"
    db = audit_app.state.runtime.db
    outbox = db.tables.outbox
    async with db.engine.connect() as conn:
        payloads = [json.loads(p) for p in (await conn.scalars(select(outbox.c.payload))).all()]
    denied = [p for p in payloads if p["action"] == DENIED_READ_ACTION]
    assert len(denied) == len(ENDPOINTS)
    assert {p["outcome"] for p in denied} == {"denied"}
    assert {p["actor_id"] for p in denied} == {f"u-{role}"}


async def test_auditors_and_platform_admins_can(
    audit_client: AsyncClient, issuer: LocalIssuer
) -> None:
    for role in ("auditor", "platform_admin"):
        for path in ENDPOINTS:
            response = await audit_client.get(path, headers=bearer(issuer, role))
            assert response.status_code == 200, (role, path, response.text)


async def test_without_a_token_nobody_can(audit_client: AsyncClient) -> None:
    for path in ENDPOINTS:
        assert (await audit_client.get(path)).status_code == 401
