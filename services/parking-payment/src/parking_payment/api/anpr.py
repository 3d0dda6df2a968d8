"""Where ANPR cameras push their plate reads (public through the gateway: the camera's
own token in the path, stored as its SHA-256). Two formats: the common HTTP push JSON
(``AlarmInfoPlate``) and Hikvision ISAPI ``EventNotificationAlert`` (eventType ANPR)."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from parking_payment.adapters.anpr import (
    AnprError,
    AnprRead,
    alarm_info_plate_ack,
    parse_alarm_info_plate,
    parse_isapi,
)
from parking_payment.api.deps import GatesDep
from parking_payment.db.parking import GateRow
from parking_payment.usecases.gates import Gates
from sc_core.errors import Problem

CameraToken = Annotated[str, Path(min_length=1, max_length=128)]
router = APIRouter(prefix="/api/v1/parking/anpr", tags=["parking: cameras"])
MAX_BODY = 8 * 1024 * 1024


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Problem(413, "parking.read_too_large", "识别数据过大（the read is too large）")
    return body


async def _check(gates: Gates, token: str, read: AnprRead) -> AnprRead:
    digest = hashlib.sha256(token.encode()).hexdigest()
    async with gates.uow() as uow:
        camera = (
            await uow.session.execute(select(GateRow.camera_id).where(GateRow.token_hash == digest))
        ).scalar_one_or_none()
    if camera is None:
        raise Problem(401, "parking.camera_token_invalid", "相机令牌无效（invalid camera token）")
    if read.camera != camera:
        raise Problem(403, "parking.camera_mismatch", "相机与令牌不符（camera and token differ）")
    return read


def _refuse(exc: AnprError) -> Problem:
    return Problem(
        400,
        f"parking.read_{exc.reason}",
        f"无法识别的车牌数据（unreadable plate read: {exc.reason}）",
    )


@router.post("/{token}/alarm-info-plate", summary="A camera's AlarmInfoPlate push")
async def alarm_info_plate(token: CameraToken, request: Request, gates: GatesDep) -> JSONResponse:
    try:
        read = parse_alarm_info_plate(await _body(request))
    except AnprError as exc:
        raise _refuse(exc) from None
    await gates.handle_read(await _check(gates, token, read))
    return JSONResponse(alarm_info_plate_ack())


@router.post("/{token}/isapi", summary="A Hikvision camera's ANPR EventNotificationAlert")
async def isapi(token: CameraToken, request: Request, gates: GatesDep) -> JSONResponse:
    try:
        read = parse_isapi(request.headers.get("content-type", ""), await _body(request))
    except AnprError as exc:
        raise _refuse(exc) from None
    outcome = await gates.handle_read(await _check(gates, token, read))
    return JSONResponse(
        {
            "passage_id": str(outcome.passage_id),
            "decision": outcome.decision.action.value,
            "display": outcome.decision.display,
        }
    )
