"""Search, verification and summary of the audit trail."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import Row

from audit.api.deps import Filters, Reader, Scope, SettingsDep, UseCasesDep, aware
from audit.api.schemas import (
    ActionOutcomeCount,
    AuditRecordRead,
    AuditSummary,
    DayCount,
    RoleCount,
    VerifyReport,
)
from audit.db.models import RECORD_FIELDS
from audit.domain.masking import mask_record
from sc_core.api import Page, Paging, page_json
from sc_core.schema import Day, Instant

router = APIRouter(prefix="/api/v1/audit-records", tags=["audit records"])


#: the stored fields a reader is shown (``AuditRecordRead``'s)
READ_FIELDS = tuple(name for name in AuditRecordRead.model_fields if name in RECORD_FIELDS)


def masked(row: Row[Any], grade: int) -> dict[str, Any]:
    """A stored record (a row of the table) as ``AuditRecordRead``'s fields, masked for a
    reader of ``grade``."""
    values = row._mapping
    return mask_record({name: values[name] for name in READ_FIELDS}, grade)


@router.get("", response_model=Page[AuditRecordRead], summary="Search the audit trail")
async def search(
    who: Reader, filters: Filters, scope: Scope, paging: Paging, usecases: UseCasesDep
) -> Response:
    """Every search of the trail is itself audited (``audit_record.read_sensitive``, with
    the filters and how many matched): who looked at whom is on the record too."""
    rows, total = await usecases.trail.search(who, filters, scope, paging)
    grade = who.principal.grade
    body = page_json([masked(r, grade) for r in rows], total, paging)
    return Response(body, media_type="application/json")


@router.get("/verify", response_model=VerifyReport, summary="Verify one day's hash chain")
async def verify(
    who: Reader,
    usecases: UseCasesDep,
    day: Annotated[Day, Query(description="UTC day, YYYY-MM-DD")],
) -> VerifyReport:
    return await usecases.trail.verify(day)


@router.get("/summary", response_model=AuditSummary, summary="Counts for dashboards")
async def summary(
    who: Reader,
    scope: Scope,
    settings: SettingsDep,
    usecases: UseCasesDep,
    start: Annotated[Instant | None, Query(alias="from")] = None,
    end: Annotated[Instant | None, Query(alias="to")] = None,
) -> AuditSummary:
    end = aware(end, settings) or datetime.now(settings.zone)
    start = aware(start, settings) or end - timedelta(days=7)
    rows = await usecases.trail.summary(scope, start, end)
    failed = [DayCount(day=r.day, count=r.count) for r in rows["failed_logins"]]
    return AuditSummary(
        start=start,
        end=end,
        timezone=settings.audit_timezone,
        by_action_outcome=[
            ActionOutcomeCount(day=r.day, action=r.action, outcome=r.outcome, count=r.count)
            for r in rows["by_action_outcome"]
        ],
        failed_logins=failed,
        failed_logins_total=sum(d.count for d in failed),
        sensitive_reads_by_role=[
            RoleCount(role=r.role, count=r.count) for r in rows["sensitive_reads_by_role"]
        ],
    )
