"""Settings of the alarm service (environment variables, built once at start)."""

from __future__ import annotations

from pydantic import Field

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "alarm"

    # Topics in
    telemetry_topic: str = "telemetry.readings.v1"
    status_topic: str = "device.status.v1"
    workorder_topic: str = "workorder.events.v1"
    identity_topic: str = "identity.events.v1"
    # Topics out (through the outbox)
    alarm_topic: str = "alarm.events.v1"
    notification_topic: str = "notification.requests.v1"

    # Evaluation of telemetry: one transaction per poll of up to this many readings
    evaluation_enabled: bool = True
    evaluation_max_batch: int = Field(default=2000, ge=1)
    evaluation_group: str | None = None
    # Fetch settings of the evaluator's consumer: the broker answers a fetch when it has
    # this many bytes or after this long. Fewer, fuller fetches cost far less CPU than one
    # per handful of readings (at 5,000 readings/s ~1.7 MB/s: 32 KiB is ~20 ms of them)
    evaluation_fetch_min_bytes: int = Field(default=32768, ge=1)
    evaluation_fetch_max_wait_ms: int = Field(default=10, ge=0)
    # How often a replica re-reads the rules (a change made through this replica's API
    # takes effect at once)
    rules_reload_s: float = Field(default=5.0, gt=0)
    # Timers (duration held, device silent) and escalation stages are checked this often
    timer_sweep_s: float = Field(default=5.0, gt=0)
    escalation_sweep_s: float = Field(default=5.0, gt=0)

    # The evaluator re-reads plans, the duty roster and the special-population register
    # of a community at most this often (0: every batch that raises or clears an alarm)
    lookup_cache_s: float = Field(default=2.0, ge=0)
    # Freeze start-up objects and collect young ones less often (a process of its own;
    # tests that host the app in their process turn it off)
    gc_tuning: bool = True
    # Time zone of schedules and statistics when none is given
    community_timezone: str = "Asia/Shanghai"
    # Default channels of notification plans
    default_channels: list[str] = Field(default_factory=lambda: ["inapp", "push", "sms"])
