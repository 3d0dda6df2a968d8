"""Settings of care (environment variables, built once at start)."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    """Topics are the catalogue's (``TOPIC_NAMES`` renames them, as the tests do): care
    publishes care.*.v1 and notification.requests.v1 and reads telemetry.readings.v1,
    alarm.events.v1 and identity.events.v1, each known from its event models."""

    service_name: str = "care"

    # the lone-elder watch: how often the scan runs, how long meter samples are kept
    watch_scan_interval_s: float = 300.0
    meter_sample_retention_days: int = 35
    # how often the appointment reminders (24 h and 2 h before) are swept
    reminder_interval_s: float = 60.0
    # the key of the pseudonyms on care.exchange.v1 (outside readers)
    exchange_pseudonym_key: str = Field(default="change-me-care-exchange-key", repr=False)
    # the community's time zone, for days, daytime windows and the words people read
    community_timezone: str = "Asia/Shanghai"

    # the Ed25519 private key that signs childcare check-in codes and video grants: PEM, or
    # the base64 of the 32-byte seed (`openssl rand -base64 32`); empty: a key made at
    # start (development and tests only: codes and grants would not outlive the process
    # nor verify on another replica), refused in production
    care_signing_key: SecretStr = Field(default=SecretStr(""), repr=False)

    @model_validator(mode="after")
    def _signing_key_in_production(self) -> Settings:
        if self.environment == "production" and not self.care_signing_key.get_secret_value():
            raise ValueError("production settings need CARE_SIGNING_KEY (care's Ed25519 key)")
        return self

    def secret_fields(self) -> list[str]:
        return [*super().secret_fields(), "exchange_pseudonym_key", "care_signing_key"]
