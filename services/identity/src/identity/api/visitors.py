"""Visitor passes: residents invite, gates verify, hosts revoke."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from identity.access import passes
from identity.access.schemas import PassCreate, PassRead, PassVerification, PassVerify
from identity.api.deps import DoorsDep, KeyStoreDep, VisitorPassesDep
from identity.auth.keystore import KeyStore
from identity.db.access import VisitorPass
from identity.roles import PASS_ISSUERS, PASS_READERS
from identity.scope import Scope
from identity.usecases.visitors import pass_places
from sc_core.api import Page, Paging
from sc_core.auth import AnonymousCaller, Caller, callers
from sc_core.privacy import Grade, Revealed, RevealRequest, mask_listed, mask_model

router = APIRouter(tags=["visitors"])
# the coarse role checks; the places are the use case's (usecases/visitors.py)
Issuers = Annotated[Caller, Depends(callers(*sorted(PASS_ISSUERS)))]
Readers = Annotated[Caller, Depends(callers(*sorted(PASS_READERS)))]


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
    grade, mine = scope.grade([pass_places(p)]), own or in_household
    if listing:  # no visitor's phone in clear in a list but the household's own
        return mask_listed(model, grade, self_or_household=mine)
    return mask_model(model, grade, self_or_household=mine)


@router.post("/api/v1/visitor-passes", status_code=201, summary="Invite a visitor (QR pass)")
async def create_pass(
    body: PassCreate, who: Issuers, visitors: VisitorPassesDep, keys: KeyStoreDep
) -> PassRead:
    row, scope = await visitors.create(who, body)
    return await _read(keys, scope, row)


@router.get("/api/v1/visitor-passes", summary="Passes of your households (staff: community)")
async def list_passes(
    who: Readers, visitors: VisitorPassesDep, keys: KeyStoreDep, paging: Paging
) -> Page[PassRead]:
    """Visitors' phones masked but for the household's own passes; the read is audited."""
    rows, total, scope = await visitors.page(who, paging)
    return Page.of([await _read(keys, scope, p, listing=True) for p in rows], total, paging)


@router.post(
    "/api/v1/visitor-passes/{pass_id}/reveal",
    summary="Show a visitor's phone, for a stated purpose (audited)",
)
async def reveal_pass(
    pass_id: uuid.UUID, body: RevealRequest, who: Readers, visitors: VisitorPassesDep
) -> Revealed:
    return Revealed(field=body.field, value=await visitors.reveal(who, pass_id, body))


@router.get("/api/v1/visitor-passes/{pass_id}", summary="One pass")
async def get_pass(
    pass_id: uuid.UUID, who: Readers, visitors: VisitorPassesDep, keys: KeyStoreDep
) -> PassRead:
    row, scope = await visitors.get(who, pass_id)
    return await _read(keys, scope, row)


@router.delete("/api/v1/visitor-passes/{pass_id}", status_code=204, summary="Revoke a pass")
async def revoke_pass(pass_id: uuid.UUID, who: Readers, visitors: VisitorPassesDep) -> Response:
    await visitors.revoke(who, pass_id)
    return Response(status_code=204)


@router.post(
    "/api/v1/visitor-passes/verify",
    summary="Check a QR pass; at a door, use it once and open the door (no login)",
)
async def verify_pass(body: PassVerify, who: AnonymousCaller, opener: DoorsDep) -> PassVerification:
    """Without ``door_id``: is the pass valid now (nothing used). With it: the pass uses one
    use atomically (two gates scanning a single-use pass open once) and the door opens for
    the visitor, who needs no account: the signed pass is the visitor's key."""
    verified = await opener.verify_pass(who, body)
    row, reason = verified.visitor_pass, verified.reason
    if row is None:
        return PassVerification(valid=False, reason="invalid_signature")
    left = None if row.max_uses is None else max(row.max_uses - row.uses, 0)
    result = PassVerification(
        valid=reason == "active",
        reason=None if reason == "active" else reason,
        pass_id=row.id,
        community_id=row.community_id,
        visitor_name=row.visitor_name,
        valid_until=row.valid_until,
        uses_left=left,
        opened=verified.opened,
    )
    return mask_model(result, Grade.PUBLIC)
