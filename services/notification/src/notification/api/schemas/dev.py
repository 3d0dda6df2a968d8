"""The development sink's model: what push, SMS and voice would have sent."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel

from sc_core.privacy import Sensitive


class SinkRecord(BaseModel):
    id: int
    channel: str
    delivery_id: uuid.UUID
    recipient_id: str
    address: Annotated[str | None, Sensitive("mobile")]
    title: str
    body: str
    attempt: int
    created_at: datetime
