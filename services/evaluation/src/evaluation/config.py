"""Settings of evaluation (environment variables, built once at start)."""

from __future__ import annotations

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "evaluation"

    # Topics read (KPIs, place directory) are the catalogue's; TOPIC_NAMES renames them.

    # The index method figures are computed with (data/methods/<version>.yaml)
    index_method: str = "2026.1"

    # How often open surveys are checked for a reminder round that is due (seconds)
    survey_reminder_sweep_s: float = 300.0

    # How often the month-end sweep looks for last month's indices to compute (seconds),
    # and how long after a month ends (local time) it waits for the month's late events
    month_end_sweep_s: float = 600.0
    month_end_grace_s: float = 3600.0
