"""Settings of commerce (environment variables, built once at start)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from sc_core.settings import ServiceSettings


def _default_photo_dir() -> Path:
    return Path.home() / ".local" / "state" / "smart-community" / "commerce" / "photos"


class Settings(ServiceSettings):
    """Topics are the catalogue's (``TOPIC_NAMES`` renames them, as the tests do): the
    service publishes commerce.events.v1 and reads identity.events.v1."""

    service_name: str = "commerce"
    # offers of a shop pushed to one resident in any 7 days, at most (the frequency cap)
    offer_pushes_per_week: int = Field(default=2, ge=1)

    # Listing photos, in the platform's object store (sc_core.storage): "local" keeps them
    # under ATTACHMENT_DIR (outside the repo), "s3" in any S3-compatible store.
    object_store: Literal["local", "s3"] = "local"
    attachment_dir: Path = Field(default_factory=_default_photo_dir)
    photo_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    # Photos not (yet) on a listing, per uploader: at most this many and this many bytes
    # (429 attachment.quota_exceeded); deleted after photo_unlinked_ttl_s by a job that
    # runs every photo_sweep_interval_s
    photo_unlinked_max_count: int = Field(default=20, ge=1)
    photo_unlinked_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    photo_unlinked_ttl_s: float = Field(default=24 * 3600, gt=0)
    photo_sweep_interval_s: float = Field(default=600.0, gt=0)
    s3_endpoint_url: str | None = None
    s3_bucket: str = "commerce"
    s3_region: str = "us-east-1"
    s3_access_key: str = Field(default="change-me-s3-access-key", repr=False)
    s3_secret_key: str = Field(default="change-me-s3-secret-key", repr=False)
    s3_create_bucket: bool = False

    def secret_fields(self) -> list[str]:
        fields = [*super().secret_fields()]
        if self.object_store == "s3":
            fields += ["s3_access_key", "s3_secret_key"]
        return fields
