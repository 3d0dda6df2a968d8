"""Attachments: upload (type and size checked on the content), download scoped like the
case it belongs to (before that, only the uploader sees it)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response, UploadFile

from sc_core.api import AuditorDep, UnitOfWorkDep
from sc_core.auth import CurrentPrincipal
from sc_core.errors import NotFound, Problem
from work_orders import access
from work_orders.api.deps import PartsDep
from work_orders.api.schemas import AttachmentRead
from work_orders.db.models import Attachment, WorkOrder
from work_orders.domain.sniff import EXTENSIONS, sniff

router = APIRouter(prefix="/api/v1/work-order-attachments", tags=["attachments"])
CHUNK = 256 * 1024


def _read(a: Attachment) -> AttachmentRead:
    return AttachmentRead(
        id=a.id,
        content_type=a.content_type,
        size=a.size,
        sha256=a.sha256,
        work_order_id=a.work_order_id,
        created_at=a.created_at,
    )


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
                max_bytes=limit,
            )
        parts.append(chunk)
    return b"".join(parts)


@router.post("", status_code=201, response_model=AttachmentRead, summary="Upload a photo or file")
async def upload(
    file: UploadFile,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    parts: PartsDep,
    request: Request,
) -> AttachmentRead:
    data = await _content(file, parts.settings.attachment_max_bytes)
    if not data:
        raise Problem(422, "attachment.empty", "The file is empty")
    kind = sniff(data[:32])
    if kind is None:
        raise Problem(
            415,
            "attachment.type_not_allowed",
            "The content is not an allowed type (JPEG, PNG, WebP, GIF, PDF, MP4), "
            "whatever its name or declared type",
            allowed=sorted(EXTENSIONS),
        )
    now = datetime.now(UTC)
    attachment_id = uuid.uuid4()
    key = f"{now:%Y/%m/%d}/{attachment_id}.{EXTENSIONS[kind]}"
    await parts.store.put(key, data, kind)
    row = Attachment(
        id=attachment_id,
        uploaded_by=principal.subject,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        created_at=now,
    )
    uow.session.add(row)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="attachment.upload",
        resource_type="attachment",
        resource_id=str(attachment_id),
        principal=principal,
        request=request,
        detail={"content_type": kind, "size": str(len(data))},
    )
    await uow.commit()
    return _read(row)


async def _visible(
    uow: UnitOfWorkDep, principal: CurrentPrincipal, attachment_id: uuid.UUID
) -> Attachment:
    row = await uow.session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment.not_found", "No such attachment")
    if row.work_order_id is None:
        if row.uploaded_by != principal.subject:
            raise NotFound("attachment.not_found", "No such attachment")
        return row
    wo = await uow.session.get(WorkOrder, row.work_order_id)
    if wo is None or not access.can_see(principal, wo):
        raise NotFound("attachment.not_found", "No such attachment")
    return row


@router.get("/{attachment_id}", response_model=AttachmentRead, summary="An attachment's facts")
async def meta(
    attachment_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> AttachmentRead:
    return _read(await _visible(uow, principal, attachment_id))


@router.get(
    "/{attachment_id}/content",
    summary="Download an attachment",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download(
    attachment_id: uuid.UUID,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    parts: PartsDep,
    auditor: AuditorDep,
    request: Request,
) -> Response:
    row = await _visible(uow, principal, attachment_id)
    if row.uploaded_by != principal.subject:  # photos may show people and homes
        await auditor.record(
            action="attachment.read",
            resource_type="attachment",
            resource_id=str(row.id),
            principal=principal,
            request=request,
            community_id=row.community_id,
        )
    data = await parts.store.get(row.storage_key)
    name = f"{row.id}.{EXTENSIONS.get(row.content_type, 'bin')}"
    if data is None:
        raise NotFound("attachment.missing", "The attachment's content is gone")
    return Response(
        data,
        media_type=row.content_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )
