"""Object storage for attachments behind one interface: a local directory or S3."""

from __future__ import annotations

from typing import Protocol

from work_orders.config import Settings


class ObjectStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


def object_store(settings: Settings) -> ObjectStore:
    if settings.object_store == "s3":
        from work_orders.storage.s3 import S3ObjectStore

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
    from work_orders.storage.local import LocalObjectStore

    return LocalObjectStore(settings.attachment_dir)
