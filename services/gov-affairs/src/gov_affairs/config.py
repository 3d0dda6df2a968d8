"""Settings of gov-affairs (environment variables, built once at start)."""

from __future__ import annotations

from typing import Literal

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    """Topics are the catalogue's (``TOPIC_NAMES`` renames them, as the tests do): it
    publishes gov.applications.v1, gov.votes.v1, notification.requests.v1 and audit
    records, the exchange.* records of agreements, and reads identity.events.v1 (places and
    grants, rooms and owners), workorder.events.v1 and alarm.events.v1 (exchange counts)."""

    service_name: str = "gov-affairs"

    # where the public check of a certificate is reached (printed in its QR code)
    public_base_url: str = "http://127.0.0.1:8000"
    # reminders and escalations of approvals
    approval_sweep_interval_s: float = 60.0
    approval_sweep_batch: int = 200
    # owners' assembly votes close (final tally, VoteClosedV1) once their period ends
    vote_sweep_interval_s: float = 30.0
    # exchange with city and district platforms (ADR 0036): how often the sweep looks for
    # periods to push, and the highest sensitivity grade any agreement may let leave
    exchange_sweep_interval_s: float = 300.0
    # residence permits: lapse and expiry reminders (once a day is enough; idempotent)
    permit_sweep_interval_s: float = 3600.0
    # the reminder the day before an activity, to everyone with a place (once per activity)
    activity_reminder_interval_s: float = 300.0
    # alteration requests: reminders before an approval step's due time and the works' end
    alteration_sweep_interval_s: float = 600.0
    exchange_max_grade: Literal["public", "internal", "personal", "sensitive"] = "internal"
    # files of an application's materials, kept in the service's database
    material_max_bytes: int = 5 * 1024 * 1024
    # population checks (6.5.2 a): how often the sweep looks for a community's ended day
    # not checked yet; a key seen on min_days of the last window_days while nobody
    # registered carries it; a resident not seen for absent_days (after grace_days from
    # moving in)
    population_sweep_interval_s: float = 600.0
    population_window_days: int = 14
    population_min_days: int = 5
    population_absent_days: int = 60
    population_grace_days: int = 30
