"""Attachments: upload (type and size checked on the content), download scoped like the
case it belongs to (before that, only the uploader sees it)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, UploadFile

from sc_core.auth import CurrentCaller
from sc_core.errors import Problem
from work_orders.api import views
from work_orders.api.deps import AttachmentsDep, SettingsDep
from work_orders.api.schemas.attachments import AttachmentRead

router = APIRouter(prefix="/api/v1/work-order-attachments", tags=["attachments"])
CHUNK = 256 * 1024


async def _content(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refusing (413) as soon as it passes ``limit``."""
    parts: list[bytes] = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise Problem(
                413,
                "attachment.too_large",
                f"The file is larger than the limit of {limit} bytes",
                zh=f"文件超过大小上限（{limit} 字节）",
                max_bytes=limit,
            )
        parts.append(chunk)
    return b"".join(parts)


@router.post("", status_code=201, response_model=AttachmentRead, summary="Upload a photo or file")
async def upload(
    file: UploadFile, who: CurrentCaller, attachments: AttachmentsDep, settings: SettingsDep
) -> AttachmentRead:
    data = await _content(file, settings.attachment_max_bytes)
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
