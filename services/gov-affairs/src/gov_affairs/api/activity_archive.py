"""An activity's archive: photos attached when it is archived, and the generated summary as
a PDF."""

from __future__ import annotations

import base64
import uuid
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from gov_affairs.api.activities import ActivityRead, read
from gov_affairs.api.deps import ActivitiesDep, ActivityArchiveDep
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])


class Archive(BaseModel):
    photos: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=12,
        description="ids from POST /api/v1/hall/files (JPEG or PNG, the caller's own)",
    )
    notes: str | None = Field(default=None, min_length=1, max_length=1000)


@router.post("/{activity_id}/archive", summary="Archive a finished activity with its photos")
async def archive(
    activity_id: uuid.UUID,
    body: Archive,
    who: CurrentCaller,
    archive: ActivityArchiveDep,
    activities: ActivitiesDep,
) -> ActivityRead:
    """Staff of the community; the notes end the generated summary."""
    row = await archive.archive(who, activity_id, body.photos, body.notes)
    return await read(activities, row, who.subject)


@router.get(
    "/{activity_id}/photos/{file_id}",
    summary="A photo of an archived activity",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
async def photo(
    activity_id: uuid.UUID, file_id: uuid.UUID, who: CurrentCaller, archive: ActivityArchiveDep
) -> Response:
    f = await archive.photo(who, activity_id, file_id)
    return Response(base64.b64decode(f.content), media_type=f.content_type)


@router.get(
    "/{activity_id}/summary/pdf",
    summary="The generated summary of a finished activity as PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def summary_pdf(
    activity_id: uuid.UUID, who: CurrentCaller, archive: ActivityArchiveDep
) -> Response:
    title, data = await archive.summary_pdf(who, activity_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(title)}.pdf"},
    )
