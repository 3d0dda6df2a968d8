"""Certificates: the holder's PDF, and the public check of a verification code (a page for
a browser that scanned the QR code, JSON for a program)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from gov_affairs.adapters.verify_page import STANDING, render_found, render_not_found
from gov_affairs.api.deps import CertificatesDep
from gov_affairs.api.schemas import CheckRead
from gov_affairs.domain.certificates import MalformedCode
from gov_affairs.domain.text import Text
from sc_core.auth import CurrentCaller
from sc_core.errors import NotFound, Problem

router = APIRouter(prefix="/api/v1/certificates", tags=["certificates"])


@router.get(
    "/{certificate_id}/pdf", summary="The certificate as PDF (its holder, or staff in scope)"
)
async def pdf(
    certificate_id: uuid.UUID, who: CurrentCaller, certificates: CertificatesDep
) -> Response:
    row, data = await certificates.pdf(who, certificate_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{row.number}.pdf"'},
    )


@router.get(
    "/verify/{code}",
    summary="Check a certificate's verification code (public)",
    response_model=CheckRead,
    responses={200: {"content": {"text/html": {}}}},
)
async def verify(
    code: Annotated[str, Path(max_length=128)], request: Request, certificates: CertificatesDep
) -> Response | CheckRead:
    wants_page = "text/html" in request.headers.get("accept", "")
    try:
        found = await certificates.verify(code)
    except MalformedCode:
        if wants_page:
            return HTMLResponse(
                render_not_found(
                    Text(
                        zh="这不是有效的验证码，请核对后重试",
                        en="This is not a valid code; please check it",
                    )
                ),
                400,
            )
        raise Problem(
            400,
            "certificate.code_malformed",
            "This is not a verification code",
            zh="这不是有效的验证码",
        ) from None
    if found is None:
        if wants_page:
            return HTMLResponse(
                render_not_found(
                    Text(
                        zh="没有找到与此验证码对应的证明",
                        en="No certificate has this code",
                    )
                ),
                404,
            )
        raise NotFound(
            "certificate.not_found",
            "No certificate has this code",
            zh="没有找到与此验证码对应的证明",
        )
    if wants_page:
        return HTMLResponse(render_found(found))
    return CheckRead(
        code=found.code,
        title=found.title,
        holder=found.holder_masked,
        issuer=found.issuer,
        issued_on=found.issued_on,
        valid_until=found.valid_until,
        standing=found.standing,
        standing_text=STANDING[found.standing][0],
    )
