"""Where WeChat Pay and Alipay call us back (public through the gateway: the signature
is the authentication). The answer is the one each provider expects."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from parking_payment.api.deps import CallbacksDep
from parking_payment.domain.payments import Provider
from sc_core.net import client_address

router = APIRouter(prefix="/api/v1/payments/callbacks", tags=["payment callbacks"])


@router.post(
    "/{provider}", summary="A provider's payment or refund notification", include_in_schema=True
)
async def callback(provider: Provider, request: Request, callbacks: CallbacksDep) -> Response:
    body = await request.body()
    ack = await callbacks.receive(provider, dict(request.headers), body, client_address(request))
    return Response(ack.body, status_code=ack.status, media_type=ack.media_type)
