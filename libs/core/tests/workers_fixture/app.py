"""A service app small enough to spawn: which process answered, and the metrics."""

from __future__ import annotations

import os

from fastapi import FastAPI

from sc_core.observability import MetricsMiddleware, health_router
from sc_core.settings import ServiceSettings


class WorkerSettings(ServiceSettings):
    service_name: str = "workers-fixture"


def create_app(settings: ServiceSettings) -> FastAPI:
    app = FastAPI()
    app.add_middleware(MetricsMiddleware, service=settings.service_name)
    app.include_router(health_router({}, metrics=not settings.metrics_port))

    @app.get("/pid")
    async def pid() -> dict[str, int]:
        return {"pid": os.getpid()}

    return app
