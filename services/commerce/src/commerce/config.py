"""Settings of commerce (environment variables, built once at start)."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from commerce.domain.living import LivingRules
from sc_core.settings import ServiceSettings


def _default_photo_dir() -> Path:
    return Path.home() / ".local" / "state" / "smart-community" / "commerce" / "photos"


class Settings(ServiceSettings):
    """Topics are the catalogue's (``TOPIC_NAMES`` renames them, as the tests do): the
    service publishes commerce.events.v1 and reads identity.events.v1."""

    service_name: str = "commerce"
    # offers of a shop pushed to one resident in any 7 days, at most (the frequency cap)
    offer_pushes_per_week: int = Field(default=2, ge=1)

    # People living in shops (domain/living.py, LivingRules): a night runs from
    # LIVING_NIGHT_STARTS to LIVING_NIGHT_ENDS the next morning (the community's zone);
    # within the last LIVING_WEEK_NIGHTS nights a shop is flagged when on
    # LIVING_POWER_NIGHTS nights its room's meter rose by more than
    # LIVING_POWER_BASELINE_KWH, or on LIVING_PASSAGE_NIGHTS nights someone went in by its door
    living_night_starts: time = time(23, 0)
    living_night_ends: time = time(5, 0)
    living_week_nights: int = Field(default=7, ge=1, le=31)
    living_power_baseline_kwh: float = Field(default=1.5, gt=0)
    living_power_nights: int = Field(default=3, ge=1)
    living_passage_nights: int = Field(default=2, ge=1)

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

    @model_validator(mode="after")
    def _living_nights_fit_the_week(self) -> Settings:
        for name in ("living_power_nights", "living_passage_nights"):
            if getattr(self, name) > self.living_week_nights:
                raise ValueError(f"{name.upper()} exceeds LIVING_WEEK_NIGHTS")
        if self.living_night_ends >= self.living_night_starts:
            raise ValueError("LIVING_NIGHT_ENDS must be the next morning, before the start")
        return self

    def living_rules(self) -> LivingRules:
        return LivingRules(
            night_starts=self.living_night_starts,
            night_ends=self.living_night_ends,
            week_nights=self.living_week_nights,
            power_baseline_kwh=self.living_power_baseline_kwh,
            power_nights=self.living_power_nights,
            passage_nights=self.living_passage_nights,
        )

    def secret_fields(self) -> list[str]:
        fields = [*super().secret_fields()]
        if self.object_store == "s3":
            fields += ["s3_access_key", "s3_secret_key"]
        return fields
