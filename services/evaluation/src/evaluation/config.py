"""Settings of evaluation (environment variables, built once at start)."""

from __future__ import annotations

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "evaluation"

    # Topics read for the KPIs and the place directory
    workorder_topic: str = "workorder.events.v1"
    alarm_topic: str = "alarm.events.v1"
    delivery_topic: str = "notification.deliveries.v1"
    identity_topic: str = "identity.events.v1"

    # The index method figures are computed with (data/methods/<version>.yaml)
    index_method: str = "2026.1"
