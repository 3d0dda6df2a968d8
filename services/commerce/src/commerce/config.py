"""Settings of commerce (environment variables, built once at start)."""

from __future__ import annotations

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    """Topics are the catalogue's (``TOPIC_NAMES`` renames them, as the tests do): the
    service publishes commerce.events.v1 and reads identity.events.v1."""

    service_name: str = "commerce"
