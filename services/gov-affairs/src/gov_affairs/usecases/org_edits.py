"""The office corrects an organisation's or enterprise's record (6.5.1 c-d): name, kind,
code, address, scope, tags, industry, contact person, whether it is still active. Each
change is checked as at registration (the schema re-validates the code and the industry;
a code registered to another organisation here is refused), audited with the fields that
changed (never their personal values), and published (``OrganisationChangedV1``). The
contact person's name and mobile are read in clear one field at a time, for a stated
purpose, by the office only; that read is audited (``organisation.reveal``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gov_affairs.db.organisations import OrganisationRow
from gov_affairs.usecases.org_events import publish_changed
from gov_affairs.usecases.organisations import (
    Organisations,
    already_registered,
    not_found,
    not_yours,
    office,
)
from sc_contracts.events import OrganisationChange
from sc_core.auth import Caller
from sc_core.errors import Problem
from sc_core.privacy import RevealRequest, reveal_detail

EDITABLE = (
    "name",
    "kind",
    "uscc",
    "address",
    "scope",
    "tags",
    "industry_code",
    "contact_name",
    "contact_phone",
    "active",
)
PERSONAL = frozenset({"contact_name", "contact_phone"})


class OrgEdits:
    def __init__(self, organisations: Organisations) -> None:
        self.o = organisations

    async def update(
        self, who: Caller, organisation_id: uuid.UUID, changes: dict[str, Any]
    ) -> OrganisationRow:
        """Only the fields given change; 409 for a code another organisation here holds."""
        async with self.o.db.uow() as uow:
            row = await uow.session.get(OrganisationRow, organisation_id, with_for_update=True)
            if row is None:
                raise not_found()
            await self.o.places.ensure_readable(uow, who.principal, community_id=row.community_id)
            if not office(who, row.community_id):
                raise not_yours()
            if "tags" in changes:
                changes["tags"] = sorted(set(changes["tags"]))
            changed = [k for k in EDITABLE if k in changes and getattr(row, k) != changes[k]]
            if "uscc" in changed and await _taken(uow.session, row, changes["uscc"]):
                raise already_registered()
            for key in changed:
                setattr(row, key, changes[key])
            if changed:
                row.updated_by, row.updated_at = who.subject, datetime.now(UTC)
                await uow.audit(
                    who,
                    "organisation.update",
                    "organisation",
                    str(row.id),
                    community_id=row.community_id,
                    detail={"fields": ",".join(changed)},
                )
                public = [k for k in changed if k not in PERSONAL]
                await publish_changed(uow, who, row, OrganisationChange.UPDATED, public)
            try:
                await uow.commit()
            except IntegrityError as exc:  # the same code registered here meanwhile
                raise already_registered() from exc
        return row

    async def reveal(
        self, who: Caller, organisation_id: uuid.UUID, body: RevealRequest
    ) -> str | None:
        """The contact person's name or mobile in clear, for the office, audited."""
        if body.field not in PERSONAL:
            raise Problem(
                422,
                "privacy.not_revealable",
                f"{body.field} is not a field that is revealed",
                zh="所请求的信息不提供明文查看",
            )
        async with self.o.db.uow() as uow:
            row = await self.o.readable(uow, who, organisation_id)
            if not office(who, row.community_id):
                raise Problem(
                    403,
                    "privacy.reveal_not_allowed",
                    "Only the community's office sees the contact person in clear",
                    zh="只有社区工作人员可以查看联系人的完整信息",
                )
            await uow.audit(
                who,
                "organisation.reveal",
                "organisation",
                str(row.id),
                community_id=row.community_id,
                detail=reveal_detail(body),
            )
            await uow.commit()
            value: str | None = getattr(row, body.field)
            return value


async def _taken(session: Any, row: OrganisationRow, uscc: str) -> bool:
    found = await session.scalar(
        select(OrganisationRow.id).where(
            OrganisationRow.community_id == row.community_id,
            OrganisationRow.uscc == uscc,
            OrganisationRow.id != row.id,
        )
    )
    return found is not None
