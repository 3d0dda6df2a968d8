"""The care service's app. So far it serves only the platform's health and readiness
endpoints: the domain (care.domain) and the adapters (care.adapters) are built and tested,
their API, tables and consumers come with the service kit's shape (services/care/README.md,
"What is built")."""

from __future__ import annotations

from fastapi import FastAPI

from care.config import Settings
from sc_core.service import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(settings or Settings(), title="Care")
