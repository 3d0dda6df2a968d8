"""Files for an application's materials (a photo of an ID card, a household register)."""

from __future__ import annotations

from fastapi import APIRouter, UploadFile

from gov_affairs.api.deps import FilesDep
from gov_affairs.api.schemas import FileRead
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/hall", tags=["service hall"])


@router.post("/files", status_code=201, summary="Upload a material file (JPEG, PNG or PDF)")
async def upload(file: UploadFile, who: CurrentCaller, files: FilesDep) -> FileRead:
    data = await file.read(files.max_bytes + 1)
    row = await files.upload(who, file.filename or "file", data)
    return FileRead(id=row.id, filename=row.filename, content_type=row.content_type, size=row.size)
