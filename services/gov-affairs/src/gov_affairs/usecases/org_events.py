"""What gov-affairs tells others about an organisation's record (``OrganisationChangedV1``
on ``gov.organisations.v1``, keyed by organisation, ADR 0058): registered, or corrected by
the office. Never the contact person: no personal data leaves on this topic."""

from __future__ import annotations

from datetime import UTC, datetime

from gov_affairs.db.organisations import OrganisationRow
from sc_contracts.events import OrganisationChange, OrganisationChangedV1
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork


async def publish_changed(
    uow: UnitOfWork,
    who: Caller,
    row: OrganisationRow,
    change: OrganisationChange,
    fields: list[str] | None = None,
) -> None:
    await uow.publish(
        OrganisationChangedV1(
            organisation_id=str(row.id),
            community_id=row.community_id,
            name=row.name,
            kind=row.kind,
            uscc=row.uscc,
            industry_code=row.industry_code,
            active=row.active,
            change=change,
            fields=sorted(fields or []),
            changed_by=who.subject,
            changed_at=datetime.now(UTC),
        ),
        key=str(row.id),
    )
