"""Search, verification and summary of the audit trail."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from audit.api.deps import Filters, Reader, Scope, SettingsDep, aware
from audit.api.schemas import (
    ActionOutcomeCount,
    AuditRecordRead,
    AuditSummary,
    DayCount,
    RoleCount,
    VerifyReport,
)
from audit.db.models import RECORD_FIELDS
from audit.db.queries import search_query, summary_rows
from audit.domain.masking import mask_record
from audit.domain.vocabulary import RESOURCE_TYPE, SEARCH_ACTION
from audit.integrity import verify_day
from sc_core.api import AuditorDep, Page, Paging, RuntimeDep, UnitOfWorkDep, fetch_page
from sc_core.errors import Problem

router = APIRouter(prefix="/api/v1/audit-records", tags=["audit records"])


def masked(record: Any, grade: int) -> AuditRecordRead:
    fields = {name: getattr(record, name) for name in RECORD_FIELDS}
    return AuditRecordRead.model_validate(mask_record(fields, grade))


@router.get("", response_model=Page[AuditRecordRead], summary="Search the audit trail")
async def search(
    request: Request,
    principal: Reader,
    filters: Filters,
    scope: Scope,
    paging: Paging,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
) -> Page[AuditRecordRead]:
    """Every search of the trail is itself audited (``audit_record.read_sensitive``, with
    the filters and how many matched): who looked at whom is on the record too."""
    rows, total = await fetch_page(uow.session, search_query(filters, scope), paging)
    await auditor.within(
        uow,
        action=SEARCH_ACTION,
        resource_type=RESOURCE_TYPE,
        principal=principal,
        request=request,
        detail={**filters.as_detail(), "matched": str(total), "offset": str(paging.offset)},
    )
    await uow.commit()
    return Page[AuditRecordRead].of([masked(r, principal.grade) for r in rows], total, paging)


@router.get("/verify", response_model=VerifyReport, summary="Verify one day's hash chain")
async def verify(
    principal: Reader,
    runtime: RuntimeDep,
    day: Annotated[date, Query(description="UTC day, YYYY-MM-DD")],
) -> VerifyReport:
    assert runtime.db is not None
    return await verify_day(runtime.db, day)


@router.get("/summary", response_model=AuditSummary, summary="Counts for dashboards")
async def summary(
    principal: Reader,
    scope: Scope,
    settings: SettingsDep,
    uow: UnitOfWorkDep,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> AuditSummary:
    end = aware(end, settings) or datetime.now(settings.zone)
    start = aware(start, settings) or end - timedelta(days=7)
    if start >= end:
        raise Problem(422, "audit.bad_range", "'from' must be before 'to'")
    if end - start > timedelta(days=settings.audit_summary_max_days):
        raise Problem(
            422,
            "audit.range_too_large",
            f"A summary covers at most {settings.audit_summary_max_days} days",
        )
    rows = await summary_rows(uow.session, start, end, settings.audit_timezone, scope)
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
