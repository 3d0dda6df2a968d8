"""Attachments."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel


class AttachmentRead(BaseModel):
    id: uuid.UUID
    content_type: str
    size: int
    sha256: str
    work_order_id: uuid.UUID | None
    created_at: datetime
