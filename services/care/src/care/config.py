"""Settings of care (environment variables, built once at start)."""

from __future__ import annotations

from sc_core.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "care"
