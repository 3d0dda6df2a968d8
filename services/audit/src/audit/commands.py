"""``python -m audit verify --day YYYY-MM-DD`` and ``python -m audit retention``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date

from pydantic import ValidationError

from audit.config import Settings
from audit.db.models import tables
from audit.db.store import PartitionKeeper
from audit.integrity import verify_day
from audit.maintenance import run_maintenance
from sc_core.db import Database

COMMANDS = ("verify", "retention")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m audit")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="verify days' hash chains; exit 1 if one is broken")
    verify.add_argument(
        "--day", type=date.fromisoformat, action="append", required=True, help="UTC day"
    )
    retention = sub.add_parser(
        "retention", help="create partitions ahead, drop those past AUDIT_RETENTION_DAYS"
    )
    retention.add_argument("--dry-run", action="store_true", help="list, drop nothing")
    return parser


async def _verify(db: Database, days: list[date]) -> int:
    status = 0
    for day in days:
        report = await verify_day(db, day)
        print(report.model_dump_json())
        status = status or (0 if report.ok else 1)
    return status


async def _retention(db: Database, settings: Settings, dry_run: bool) -> int:
    report = await run_maintenance(db, settings, PartitionKeeper(), dry_run=dry_run)
    print(
        json.dumps(
            {
                "retention_days": settings.audit_retention_days,
                "dry_run": dry_run,
                "partitions_ensured": [m.isoformat() for m in report.ensured],
                "partitions_dropped": report.dropped,
                "inbox_pruned": report.inbox_pruned,
            }
        )
    )
    return 0


def run_command(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"audit: invalid settings: {exc}", file=sys.stderr)
        return 2

    async def _run() -> int:
        db = Database(settings.database_url, tables, pool_size=2)
        try:
            if args.command == "verify":
                return await _verify(db, args.day)
            return await _retention(db, settings, args.dry_run)
        finally:
            await db.dispose()

    return asyncio.run(_run())
