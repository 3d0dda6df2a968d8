"""Reading the trail: search, summary, verification and export, each read of the records
itself audited (who looked at whom is on the record too), and refused readers recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement

from audit.api.schemas import VerifyReport
from audit.config import Settings
from audit.db.queries import (
    RecordFilters,
    count_records,
    export_batches,
    search_query,
    summary_rows,
)
from audit.domain.vocabulary import (
    DENIED_READ_ACTION,
    EXPORT_ACTION,
    RESOURCE_TYPE,
    SEARCH_ACTION,
)
from audit.integrity import verify_day
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db import Database
from sc_core.errors import Problem

Batches = AsyncIterator[Sequence[Any]]


class Trail:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def refuse(self, who: Caller, path: str) -> None:
        """Someone without a reader role asked: the attempt is recorded."""
        async with self.db.uow() as uow:
            await uow.audit(
                who, DENIED_READ_ACTION, RESOURCE_TYPE, outcome="denied", detail={"path": path}
            )
            await uow.commit()

    async def search(
        self, who: Caller, filters: RecordFilters, scope: ColumnElement[bool], paging: PageParams
    ) -> tuple[Sequence[Any], int]:
        """One page of matching records; the search is recorded with how many matched."""
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(
                uow.session, search_query(filters, scope), paging, rows=True
            )
            await uow.audit(
                who,
                SEARCH_ACTION,
                RESOURCE_TYPE,
                detail={
                    **filters.as_detail(),
                    "matched": str(total),
                    "offset": str(paging.offset),
                },
            )
            await uow.commit()
        return rows, total

    async def verify(self, day: date) -> VerifyReport:
        return await verify_day(self.db, day)

    async def summary(
        self, scope: ColumnElement[bool], start: datetime, end: datetime
    ) -> dict[str, list[Any]]:
        settings = self.settings
        if start >= end:
            raise Problem(
                422, "audit.bad_range", "'from' must be before 'to'", zh="开始时间须早于结束时间"
            )
        if end - start > timedelta(days=settings.audit_summary_max_days):
            raise Problem(
                422,
                "audit.range_too_large",
                f"A summary covers at most {settings.audit_summary_max_days} days",
                zh=f"统计时段最长 {settings.audit_summary_max_days} 天",
            )
        async with self.db.uow(read_only=True) as uow:
            return await summary_rows(uow.session, start, end, settings.audit_timezone, scope)

    async def export(
        self, who: Caller, filters: RecordFilters, scope: ColumnElement[bool]
    ) -> tuple[int, Batches]:
        """How many records match and their batches, oldest first (read while the answer
        streams); refused when more match than an export may hold. Recorded."""
        async with self.db.uow() as uow:  # closed before streaming starts
            total = await count_records(uow.session, filters, scope)
        limit = self.settings.audit_export_max_rows
        if total > limit:
            raise Problem(
                422,
                "audit.export_too_large",
                f"{total} records match; an export holds at most {limit}. Narrow the filters.",
                zh=f"共有 {total} 条记录符合条件，一次最多导出 {limit} 条，请缩小筛选范围。",
                matching=total,
                max_rows=limit,
            )
        async with self.db.uow() as uow:
            await uow.audit(
                who,
                EXPORT_ACTION,
                RESOURCE_TYPE,
                detail={**filters.as_detail(), "rows": str(total), "format": "csv"},
            )
            await uow.commit()
        return total, self._batches(filters, scope, limit)

    async def _batches(
        self, filters: RecordFilters, scope: ColumnElement[bool], limit: int
    ) -> Batches:
        async with self.db.engine.connect() as conn:
            async for rows in export_batches(conn, filters, scope, limit=limit):
                yield rows
