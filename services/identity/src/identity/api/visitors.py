"""Visitor passes: residents invite, gates verify, hosts revoke."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from identity.access import passes
from identity.access.schemas import PassCreate, PassRead, PassVerification, PassVerify
from identity.api.deps import KeyStoreDep, SettingsDep, scoped
from identity.api.doors import send_open
from identity.auth.keystore import KeyStore
from identity.db.access import Door, VisitorPass
from identity.db.register import Household
from identity.register import repo
from identity.roles import PASS_ISSUERS, PASS_READERS
from identity.scope import Places, Scope
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.errors import NotFound, Problem
from sc_core.privacy import (
    Grade,
    Revealed,
    RevealRequest,
    mask_listed,
    mask_model,
    reveal_detail,
    revealable,
)

router = APIRouter(tags=["visitors"])
Issuers = Annotated[Scope, Depends(scoped(PASS_ISSUERS))]
Readers = Annotated[Scope, Depends(scoped(PASS_READERS))]


def _places(p: VisitorPass) -> Places:
    return Places(
        community_id=p.community_id, building_id=p.building_id, household_id=p.household_id
    )


async def _read(keys: KeyStore, scope: Scope, p: VisitorPass, *, listing: bool = False) -> PassRead:
    own = str(p.host_account_id) == scope.principal.subject
    model = PassRead(
        id=p.id,
        community_id=p.community_id,
        building_id=p.building_id,
        household_id=p.household_id,
        host_account_id=p.host_account_id,
        visitor_name=p.visitor_name,
        visitor_phone=p.visitor_phone,
        plate=p.plate,
        valid_from=p.valid_from,
        valid_until=p.valid_until,
        max_uses=p.max_uses,
        uses=p.uses,
        status=passes.status(p, datetime.now(UTC)),
        qr_payload=await passes.qr_payload(keys, p) if own else None,
    )
    in_household = str(p.household_id) in scope.principal.household_ids
    grade, mine = scope.grade([_places(p)]), own or in_household
    if listing:  # no visitor's phone in clear in a list but the household's own
        return mask_listed(model, grade, self_or_household=mine)
    return mask_model(model, grade, self_or_household=mine)


@router.post("/api/v1/visitor-passes", status_code=201, summary="Invite a visitor (QR pass)")
async def create_pass(
    body: PassCreate,
    scope: Issuers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    keys: KeyStoreDep,
    settings: SettingsDep,
    request: Request,
) -> PassRead:
    household = await repo.get_or_404(uow.session, Household, body.household_id)
    scope.ensure(repo.places(household))
    start = body.valid_from or datetime.now(UTC)
    if body.valid_until <= start:
        raise Problem(422, "pass.bad_window", "valid_until must be after valid_from")
    if body.valid_until - start > timedelta(days=settings.visitor_pass_max_days):
        raise Problem(
            422, "pass.too_long", f"A pass lasts {settings.visitor_pass_max_days} days at most"
        )
    row = VisitorPass(
        community_id=household.community_id,
        building_id=household.building_id,
        household_id=household.id,
        host_account_id=uuid.UUID(scope.principal.subject),
        valid_from=start,
        **body.model_dump(exclude={"household_id", "valid_from"}),
    )
    uow.session.add(row)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="visitor_pass.create",
        resource_type="visitor_pass",
        resource_id=str(row.id),
        principal=scope.principal,
        request=request,
        community_id=str(row.community_id),
    )
    await uow.commit()
    return await _read(keys, scope, row)


@router.get("/api/v1/visitor-passes", summary="Passes of your households (staff: community)")
async def list_passes(
    scope: Readers,
    uow: UnitOfWorkDep,
    keys: KeyStoreDep,
    auditor: AuditorDep,
    request: Request,
    paging: Paging,
) -> Page[PassRead]:
    """Visitors' phones masked but for the household's own passes; the read is audited."""
    query = select(VisitorPass).where(
        scope.clause(community_col=VisitorPass.community_id, household_col=VisitorPass.household_id)
    )
    order = (VisitorPass.valid_from.desc(), VisitorPass.id)
    rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
    items = [await _read(keys, scope, p, listing=True) for p in rows]
    await _audit_read(auditor, scope, request, None, len(items))
    return Page.of(items, total, paging)


async def _audit_read(
    auditor: AuditorDep, scope: Scope, request: Request, row: VisitorPass | None, count: int
) -> None:
    """Reads of visitor passes (who visits whom, their phones) are audited."""
    await auditor.record(
        action="visitor_pass.read_sensitive",
        resource_type="visitor_pass",
        resource_id=str(row.id) if row else None,
        principal=scope.principal,
        request=request,
        community_id=str(row.community_id) if row else None,
        detail={"count": str(count)},
    )


@router.post(
    "/api/v1/visitor-passes/{pass_id}/reveal",
    summary="Show a visitor's phone, for a stated purpose (audited)",
)
async def reveal_pass(
    pass_id: uuid.UUID,
    body: RevealRequest,
    scope: Readers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> Revealed:
    row = await _pass(uow, scope, pass_id)
    mine = str(row.host_account_id) == scope.principal.subject or (
        str(row.household_id) in scope.principal.household_ids
    )
    revealable(PassRead, body.field, scope.grade([_places(row)]), self_or_household=mine)
    await auditor.within(
        uow,
        action="visitor_pass.reveal",
        resource_type="visitor_pass",
        resource_id=str(row.id),
        principal=scope.principal,
        request=request,
        community_id=str(row.community_id),
        detail=reveal_detail(body),
    )
    await uow.commit()
    return Revealed(field=body.field, value=getattr(row, body.field))


async def _pass(uow: UnitOfWorkDep, scope: Scope, pass_id: uuid.UUID) -> VisitorPass:
    row = await uow.session.get(VisitorPass, pass_id)
    if row is None:
        raise NotFound("pass.not_found", f"No visitor pass with id {pass_id}")
    scope.ensure(_places(row))
    return row


@router.get("/api/v1/visitor-passes/{pass_id}", summary="One pass")
async def get_pass(
    pass_id: uuid.UUID,
    scope: Readers,
    uow: UnitOfWorkDep,
    keys: KeyStoreDep,
    auditor: AuditorDep,
    request: Request,
) -> PassRead:
    row = await _pass(uow, scope, pass_id)
    await _audit_read(auditor, scope, request, row, 1)
    return await _read(keys, scope, row)


@router.delete("/api/v1/visitor-passes/{pass_id}", status_code=204, summary="Revoke a pass")
async def revoke_pass(
    pass_id: uuid.UUID, scope: Readers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> Response:
    row = await _pass(uow, scope, pass_id)
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await auditor.within(
            uow,
            action="visitor_pass.revoke",
            resource_type="visitor_pass",
            resource_id=str(row.id),
            principal=scope.principal,
            request=request,
            community_id=str(row.community_id),
        )
        await uow.commit()
    return Response(status_code=204)


@router.post(
    "/api/v1/visitor-passes/verify",
    summary="Check a QR pass; at a door, use it once and open the door (no login)",
)
async def verify_pass(
    body: PassVerify,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    keys: KeyStoreDep,
    settings: SettingsDep,
    request: Request,
) -> PassVerification:
    """Without ``door_id``: is the pass valid now (nothing used). With it: the pass uses one
    use atomically (two gates scanning a single-use pass open once) and the door opens for
    the visitor, who needs no account: the signed pass is the visitor's key."""
    pass_id = await passes.pass_id_of(keys, body.qr_payload)
    door = None
    if body.door_id is not None and pass_id is not None:
        door = await uow.session.get(Door, body.door_id)
        if door is None:
            raise NotFound("door.not_found", f"No door with id {body.door_id}")
    if door is not None:
        row, reason = await passes.use_once(uow.session, pass_id, door)
    else:
        row = await uow.session.get(VisitorPass, pass_id) if pass_id else None
        reason = passes.status(row, datetime.now(UTC)) if row else "invalid_signature"
    if row is None:
        return PassVerification(valid=False, reason="invalid_signature")
    opened = None
    if door is not None and reason == "active":
        opened = await send_open(
            uow, auditor, settings, request, door, principal=None, method="qr", visitor_pass=row
        )
    left = None if row.max_uses is None else max(row.max_uses - row.uses, 0)
    result = PassVerification(
        valid=reason == "active",
        reason=None if reason == "active" else reason,
        pass_id=row.id,
        community_id=row.community_id,
        visitor_name=row.visitor_name,
        valid_until=row.valid_until,
        uses_left=left,
        opened=opened,
    )
    return mask_model(result, Grade.PUBLIC)
