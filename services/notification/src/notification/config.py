"""Settings of the notification service (environment variables; see the README)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sc_core.settings import ServiceSettings

ProviderKind = Literal["sink", "webhook"]
SmsProviderKind = Literal["sink", "webhook", "aliyun"]


class Settings(ServiceSettings):
    service_name: str = "notification"

    # Topics are the catalogue's, by model (TOPIC_NAMES renames them, as the tests do).

    # Providers of the external channels: "sink" records what would be sent in the
    # dev_sink table (development, tests); "webhook" POSTs a JSON body signed with
    # HMAC-SHA256 to an SMS / push / voice gateway.
    push_provider: ProviderKind = "sink"
    sms_provider: SmsProviderKind = "sink"
    voice_provider: ProviderKind = "sink"
    push_webhook_url: str | None = None
    sms_webhook_url: str | None = None
    voice_webhook_url: str | None = None
    # Shared secret of the webhook signature (X-Signature: sha256=<hex>).
    provider_webhook_secret: str = Field(default="", repr=False)
    provider_timeout_seconds: float = Field(default=5.0, gt=0)
    # SMS_PROVIDER=aliyun: Aliyun SMS (SendSms, RPC signature) with one approved template
    # taking ${title} and ${content}.
    aliyun_sms_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    aliyun_region: str = "cn-hangzhou"
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: str = Field(default="", repr=False)
    aliyun_sms_sign_name: str = ""
    aliyun_sms_template_code: str = ""
    # The development sink fails the first N attempts of every delivery (tests of
    # retries); a large number makes it always fail.
    dev_sink_fail_first: int = Field(default=0, ge=0)

    # Retries: attempt n (1-based) failing waits retry_base * 2^(n-1), capped.
    delivery_max_attempts: int = Field(default=5, ge=1, le=20)
    retry_base_seconds: float = Field(default=5.0, gt=0)
    retry_max_seconds: float = Field(default=600.0, gt=0)
    # The dispatcher sends at once when a request commits, else when the earliest retry,
    # expired claim or end of quiet hours falls due; it looks again at least this often
    # (work another replica scheduled). It queried every second idle before (ADR 0067).
    dispatch_interval_seconds: float = Field(default=30.0, gt=0)
    # A claimed delivery not finished in this time is taken again (crashed replica).
    claim_lease_seconds: float = Field(default=60.0, gt=0)

    # Quiet hours: severities that ignore them; timezone when a user set none.
    quiet_hours_bypass: list[str] = Field(default_factory=lambda: ["critical"])
    default_timezone: str = "Asia/Shanghai"
    default_locale: str = "zh-CN"

    # Per-recipient rate limit on interrupting channels (push, sms, voice): more than
    # this many non-critical deliveries per channel within the window are suppressed.
    rate_limit_per_window: int = Field(default=10, ge=1)
    rate_limit_window_seconds: int = Field(default=3600, ge=1)

    # Server-Sent Events.
    sse_heartbeat_seconds: float = Field(default=15.0, gt=0)
    sse_replay_limit: int = Field(default=100, ge=1, le=1000)
    # A stream ticket (POST /api/v1/stream/tickets) opens one stream within this many seconds.
    stream_ticket_seconds: int = Field(default=30, ge=1, le=300)
    # Streams one caller (a token's or a ticket's subject) holds open at once; past it 429
    # stream.too_many_streams. The gateway caps token streams the same way; tickets only
    # here, where they are redeemed (issue 30).
    max_streams_per_caller: int = Field(default=8, ge=1)
    # Staff roles whose stream also carries the alarm feed of their scope.
    alarm_feed_roles: list[str] = Field(
        default_factory=lambda: [
            "property_staff",
            "property_manager",
            "grid_worker",
            "community_admin",
            "police",
        ]
    )

    # Retention (the hourly job): the alarm feed (stream replay), the development sink,
    # requests with their deliveries and attempts, inbox messages.
    alarm_feed_keep_days: int = Field(default=14, ge=1)
    dev_sink_keep_days: int = Field(default=30, ge=1)
    history_keep_days: int = Field(default=180, ge=7)
    inbox_keep_days: int = Field(default=365, ge=7)

    # Broadcast commands (speakers, screens) expire after this long.
    broadcast_command_ttl_seconds: int = Field(default=300, ge=1)

    def secret_fields(self) -> list[str]:
        return [*super().secret_fields(), "provider_webhook_secret", "aliyun_access_key_secret"]

    @model_validator(mode="after")
    def _webhooks_are_complete(self) -> Settings:
        if self.sms_provider == "aliyun":
            missing = [
                name.upper()
                for name in (
                    "aliyun_access_key_id",
                    "aliyun_access_key_secret",
                    "aliyun_sms_sign_name",
                    "aliyun_sms_template_code",
                )
                if not getattr(self, name)
            ]
            if missing:
                raise ValueError("SMS_PROVIDER=aliyun needs " + ", ".join(missing))
        for channel in ("push", "sms", "voice"):
            if getattr(self, f"{channel}_provider") != "webhook":
                continue
            if not getattr(self, f"{channel}_webhook_url"):
                raise ValueError(f"{channel.upper()}_WEBHOOK_URL is needed by the webhook provider")
            if len(self.provider_webhook_secret) < 16:
                raise ValueError("PROVIDER_WEBHOOK_SECRET must hold at least 16 characters")
        return self
