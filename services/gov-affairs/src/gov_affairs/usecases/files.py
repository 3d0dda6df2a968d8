"""Files of an application's materials: checked by what they are (not what they claim),
kept encrypted, readable by their owner and by the staff who review the application."""

from __future__ import annotations

import base64
import hashlib
import uuid

from gov_affairs.db.models import ApplicationFileRow
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import Problem

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def sniff(data: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


class Files:
    def __init__(self, db: Database, max_bytes: int) -> None:
        self.db = db
        self.max_bytes = max_bytes

    async def upload(self, who: Caller, filename: str, data: bytes) -> ApplicationFileRow:
        if not data:
            raise Problem(422, "hall.file_empty", "The file is empty", zh="文件是空的")
        if len(data) > self.max_bytes:
            raise Problem(
                413,
                "hall.file_too_large",
                f"A file takes at most {self.max_bytes} bytes",
                zh=f"单个文件最大 {self.max_bytes} 字节",
            )
        kind = sniff(data)
        if kind is None:
            raise Problem(
                415,
                "hall.file_type",
                "Upload a JPEG or PNG photo, or a PDF",
                zh="请上传 JPEG 或 PNG 照片，或 PDF 文件",
            )
        async with self.db.uow() as uow:
            row = ApplicationFileRow(
                id=uuid.uuid4(),
                owner_id=who.subject,
                filename=filename[:200] or "file",
                content_type=kind,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                content=base64.b64encode(data).decode(),
            )
            uow.session.add(row)
            await uow.audit(who, "hall.file_upload", "application_file", str(row.id))
            await uow.commit()
            return row
