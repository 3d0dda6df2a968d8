"""Passage photos (过车照片) kept in a directory (``PHOTO_DIR``): one file per picture under
``yyyy/mm/dd/``, named by a random id; the key is the relative path. Checked by content
(JPEG/PNG magic), bounded in size. An S3-compatible store is not implemented yet."""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime
from pathlib import Path

MAX_BYTES = 4 * 1024 * 1024
_KINDS = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}


class PhotoRefused(ValueError):
    pass


class PhotoStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    async def save(self, data: bytes, at: datetime) -> str:
        if not data or len(data) > MAX_BYTES:
            raise PhotoRefused("size")
        suffix = next((s for magic, s in _KINDS.items() if data.startswith(magic)), None)
        if suffix is None:
            raise PhotoRefused("not_an_image")
        key = f"{at:%Y/%m/%d}/{secrets.token_hex(12)}{suffix}"
        path = self.root / key
        await asyncio.to_thread(_write, path, data)
        return key

    async def load(self, key: str) -> bytes:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise PhotoRefused("path")
        return await asyncio.to_thread(path.read_bytes)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
