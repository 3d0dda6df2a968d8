"""Verifying one day's chain against its stored records and its head."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prometheus_client import Counter

from audit.api.schemas import BrokenLinkRead, VerifyReport
from audit.db.queries import chain_head, day_chain
from audit.domain.chain import ChainVerifier
from sc_core.db import Database

VERIFICATIONS = Counter(
    "audit_chain_verifications_total",
    "Day chains verified (API, command and the maintenance job), by outcome: ok or broken",
    ["outcome"],
)


async def verify_day(db: Database, day: date) -> VerifyReport:
    """Recompute ``day``'s chain; the report names the first broken link, if any.

    The head is read first and the records up to its length checked, so appends going on
    meanwhile are neither needed nor mistaken for tampering.
    """
    verifier = ChainVerifier(day)
    async with db.engine.connect() as conn:
        head = await chain_head(conn, day)
        await conn.rollback()
        async for record in day_chain(conn, day, upto=head[0] if head else None):
            if verifier.feed(record) is not None:
                break
    broken = verifier.finish(*(head if head else (None, None)))
    VERIFICATIONS.labels("ok" if broken is None else "broken").inc()
    return VerifyReport(
        day=day,
        ok=broken is None,
        records=verifier.count,
        head_length=head[0] if head else None,
        first_broken=BrokenLinkRead(**asdict(broken)) if broken else None,
    )
