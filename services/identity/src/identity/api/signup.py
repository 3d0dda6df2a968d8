"""Sign-up and requests to join a household (issue 19 item 8). Routes only: the rules
are :class:`identity.usecases.signup.Signups`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from identity.api.deps import InvitationsDep, SignupsDep
from identity.auth.address import source_address
from identity.register.signup_schemas import (
    InvitationCreate,
    InvitationRead,
    InvitationUse,
    JoinApproval,
    JoinDecision,
    JoinRequestCreate,
    JoinRequestRead,
    JoinStatus,
    SignedUp,
    SignUp,
)
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.privacy import mask_mobile

router = APIRouter(tags=["sign-up"])


@router.post(
    "/api/v1/signup",
    status_code=201,
    summary="A new resident creates an account with their mobile number (no login needed)",
)
async def sign_up(body: SignUp, signups: SignupsDep, request: Request) -> SignedUp:
    account = await signups.sign_up(body, source_address(request))
    return SignedUp(
        id=account.id,
        display_name=account.display_name,
        mobile=str(mask_mobile(account.mobile)),
        next="请用手机号和密码登录，然后提交入户申请，等待物业审核",
    )


@router.post(
    "/api/v1/join-requests",
    status_code=201,
    summary="Ask to be registered in a flat's household (the property reviews it)",
)
async def ask_to_join(
    body: JoinRequestCreate, who: CurrentCaller, signups: SignupsDep
) -> JoinRequestRead:
    return await signups.ask(who, body)


@router.get(
    "/api/v1/join-requests",
    summary="Requests to join: one's own, the communities one reviews, one's household's",
)
async def list_join_requests(
    who: CurrentCaller,
    signups: SignupsDep,
    paging: Paging,
    status: Annotated[JoinStatus | None, Query(description="pending, approved or rejected")] = None,
) -> Page[JoinRequestRead]:
    rows, total = await signups.page(who, paging, status=status)
    return Page.of(rows, total, paging)


@router.post(
    "/api/v1/join-requests/{request_id}/approve",
    summary="Approve: the applicant is registered in the household with its grant",
)
async def approve_join(
    request_id: uuid.UUID,
    who: CurrentCaller,
    signups: SignupsDep,
    body: JoinApproval | None = None,
) -> JoinRequestRead:
    """A tenant may be approved with an end date (``ends_on``): on that day, in the
    community's time zone, their grant ends; the owner is told some days before."""
    return await signups.approve(who, request_id, body.ends_on if body else None)


@router.post("/api/v1/join-requests/{request_id}/reject", summary="Reject, saying why")
async def reject_join(
    request_id: uuid.UUID, body: JoinDecision, who: CurrentCaller, signups: SignupsDep
) -> JoinRequestRead:
    return await signups.reject(who, request_id, body.reason)


@router.post(
    "/api/v1/households/{household_id}/invitations",
    status_code=201,
    summary="The owner (or the property) invites a family member or a tenant: a code",
)
async def invite(
    household_id: uuid.UUID, body: InvitationCreate, who: CurrentCaller, invitations: InvitationsDep
) -> InvitationRead:
    """A single-use code of 8 characters, valid 7 days, shown once: whoever signs in and
    presents it joins the household at once with the relation it names."""
    return await invitations.issue(who, household_id, body)


@router.post(
    "/api/v1/join-requests/by-invitation",
    status_code=201,
    summary="Join a household at once with the code its owner gave",
)
async def join_by_invitation(
    body: InvitationUse, who: CurrentCaller, invitations: InvitationsDep
) -> JoinRequestRead:
    return await invitations.join(who, body)
