"""Object storage for uploaded files (case photos, listing photos) behind one interface:
a local directory or any S3-compatible store; what an upload really is, from its bytes;
reading an upload with a size limit. Each service keeps its own table of uploads (who
uploaded, what it is attached to) and its own bucket or directory; storing an upload, the
per-uploader quota of unplaced ones and their expiry are :mod:`sc_core.storage.uploads`."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from fastapi import UploadFile

from sc_core.errors import Problem
from sc_core.storage.sniff import EXTENSIONS, sniff

__all__ = [
    "EXTENSIONS",
    "ObjectStore",
    "StoreSettings",
    "not_allowed",
    "object_store",
    "read_upload",
    "sniff",
]

CHUNK = 256 * 1024


class ObjectStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class StoreSettings(Protocol):
    """The settings a service's store is built from (``OBJECT_STORE``, ``ATTACHMENT_DIR``,
    ``S3_*``)."""

    @property
    def object_store(self) -> str: ...

    @property
    def attachment_dir(self) -> Path: ...

    @property
    def s3_endpoint_url(self) -> str | None: ...

    @property
    def s3_bucket(self) -> str: ...

    @property
    def s3_region(self) -> str: ...

    @property
    def s3_access_key(self) -> str: ...

    @property
    def s3_secret_key(self) -> str: ...

    @property
    def s3_create_bucket(self) -> bool: ...


def object_store(settings: StoreSettings) -> ObjectStore:
    if settings.object_store == "s3":
        from sc_core.storage.s3 import S3ObjectStore

        if not settings.s3_endpoint_url:
            raise ValueError("OBJECT_STORE=s3 needs S3_ENDPOINT_URL")
        return S3ObjectStore(
            settings.s3_endpoint_url,
            settings.s3_bucket,
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            create_bucket=settings.s3_create_bucket,
        )
    from sc_core.storage.local import LocalObjectStore

    return LocalObjectStore(settings.attachment_dir)


async def read_upload(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refusing (413 ``attachment.too_large``) as soon as it passes
    ``limit``."""
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


def not_allowed(allowed: frozenset[str] | None = None) -> Problem:
    """415 ``attachment.type_not_allowed``: the content is none of ``allowed`` (media
    types; all of :data:`EXTENSIONS` by default), whatever its name or declared type."""
    kinds = sorted(allowed or EXTENSIONS)
    names = "、".join(EXTENSIONS[k].upper() for k in kinds)
    en = ", ".join(EXTENSIONS[k].upper() for k in kinds)
    return Problem(
        415,
        "attachment.type_not_allowed",
        f"The content is not an allowed type ({en}), whatever its name or declared type",
        zh=f"文件内容不是允许的类型（{names}），与文件名或声明的类型无关",
        allowed=[EXTENSIONS[k] for k in kinds],
    )
