"""Settings of gov-affairs (environment variables, built once at start)."""

from __future__ import annotations

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    """Topics are the catalogue's (``TOPIC_NAMES`` renames them, as the tests do): it
    publishes gov.applications.v1, gov.votes.v1, notification.requests.v1 and audit
    records, and reads identity.events.v1 (places and grants, rooms and owners)."""

    service_name: str = "gov-affairs"

    # where the public check of a certificate is reached (printed in its QR code)
    public_base_url: str = "http://127.0.0.1:8000"
    # reminders and escalations of approvals
    approval_sweep_interval_s: float = 60.0
    approval_sweep_batch: int = 200
    # owners' assembly votes close (final tally, VoteClosedV1) once their period ends
    vote_sweep_interval_s: float = 30.0
    # files of an application's materials, kept in the service's database
    material_max_bytes: int = 5 * 1024 * 1024
