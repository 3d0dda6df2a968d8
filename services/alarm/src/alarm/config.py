"""Settings of the alarm service (environment variables, built once at start)."""

from __future__ import annotations

from pydantic import Field

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "alarm"

    # Topic in of the evaluator's batch consumer (the catalogue's; the typed subscriptions
    # and every event published name their topics by model, TOPIC_NAMES renames them)
    telemetry_topic: str = "telemetry.readings.v1"

    # Evaluation of telemetry: one transaction per poll of up to this many readings
    evaluation_enabled: bool = True
    evaluation_max_batch: int = Field(default=2000, ge=1)
    evaluation_group: str | None = None
    # Fetch settings of the evaluator's consumer: the broker answers a fetch when it has
    # this many bytes or after this long. Fewer, fuller fetches cost far less CPU than one
    # per handful of readings: each batch is one transaction, so its fixed cost is paid
    # per fetch. At 5,000 readings/s (~2.4 MB/s with their headers) 64 KiB is ~25 ms of
    # them, so the 20 ms bound decides. Measured on 2 cores (make bench): 32 KiB / 10 ms
    # used ~40% more CPU in the service and the broker and swung between p99 38 ms and
    # 320 ms from run to run; 64 KiB / 20 ms stayed at p99 55-75 ms.
    # Only while readings arrive: after a poll that brought none the fetches are the
    # broker's long poll (1 byte / 500 ms, sc_core.bus.fetch_bound, ADR 0062), so the idle
    # evaluator no longer makes the broker answer 50 empty fetches a second.
    evaluation_fetch_min_bytes: int = Field(default=65536, ge=1)
    evaluation_fetch_max_wait_ms: int = Field(default=20, ge=0)
    # Offsets of evaluated readings are committed at most this often (and on a rebalance
    # or stop), not after every batch: a crash re-evaluates up to this much, which rule
    # state ignores (a reading not newer than the last one decided decides nothing)
    evaluation_commit_interval_s: float = Field(default=1.0, ge=0)
    # How often a replica re-reads the rules (a change made through this replica's API
    # takes effect at once)
    rules_reload_s: float = Field(default=5.0, gt=0)
    # Timers (duration held, device silent) and escalation stages are checked this often
    timer_sweep_s: float = Field(default=5.0, gt=0)
    escalation_sweep_s: float = Field(default=5.0, gt=0)

    # The evaluator re-reads plans, the duty roster and the special-population register
    # of a community at most this often (0: every batch that raises or clears an alarm)
    lookup_cache_s: float = Field(default=2.0, ge=0)
    # Time zone of schedules and statistics when none is given
    community_timezone: str = "Asia/Shanghai"
    # Default channels of notification plans
    default_channels: list[str] = Field(default_factory=lambda: ["inapp", "push", "sms"])
