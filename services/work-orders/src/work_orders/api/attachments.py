"""Attachments: upload (type and size checked on the content), download scoped like the
case it belongs to (before that, only the uploader sees it)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, UploadFile

from sc_core.auth import CurrentCaller
from sc_core.storage import read_upload
from work_orders.api import views
from work_orders.api.deps import AttachmentsDep, SettingsDep
from work_orders.api.schemas.attachments import AttachmentRead

router = APIRouter(prefix="/api/v1/work-order-attachments", tags=["attachments"])


@router.post("", status_code=201, response_model=AttachmentRead, summary="Upload a photo or file")
async def upload(
    file: UploadFile, who: CurrentCaller, attachments: AttachmentsDep, settings: SettingsDep
) -> AttachmentRead:
    data = await read_upload(file, settings.attachment_max_bytes)
    return views.attachment(await attachments.upload(who, data))


@router.get("/{attachment_id}", response_model=AttachmentRead, summary="An attachment's facts")
async def meta(
    attachment_id: uuid.UUID, who: CurrentCaller, attachments: AttachmentsDep
) -> AttachmentRead:
    return views.attachment(await attachments.meta(who, attachment_id))


@router.get(
    "/{attachment_id}/content",
    summary="Download an attachment",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download(
    attachment_id: uuid.UUID, who: CurrentCaller, attachments: AttachmentsDep
) -> Response:
    found = await attachments.content(who, attachment_id)
    return Response(
        found.data,
        media_type=found.content_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'attachment; filename="{found.filename}"',
        },
    )
