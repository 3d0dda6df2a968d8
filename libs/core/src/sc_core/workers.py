"""One service on several cores: ``HTTP_WORKERS`` processes on one port (ADR 0064).

A Python process serves on one core. ``python -m <service>`` with ``HTTP_WORKERS=n``
(n > 1) runs uvicorn's supervisor: it binds the port once and spawns n worker processes
that accept on it, restarts a worker that dies, and stops them all on SIGTERM. Each worker
is what a replica is (its consumers join the same groups, its outbox relay and periodic
jobs take the same advisory locks as another pod's would), so what is safe for two pods is
safe for two workers.

Each worker builds its settings and app from their qualified names in the environment
(the supervisor spawns fresh interpreters). Prometheus counters and histograms of every
worker are kept in files of ``PROMETHEUS_MULTIPROC_DIR`` (one per run) and summed by
prometheus_client's multiprocess collector: on the API port of whichever worker answers,
or on ``METRICS_PORT`` served by the supervisor itself (a worker never binds it).
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI

from sc_core import collector
from sc_core.observability import SUPERVISOR_SERVES_METRICS
from sc_core.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)
SETTINGS = "SC_WORKER_SETTINGS"
FACTORY = "SC_WORKER_APP"
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


def qualified(obj: Callable[..., Any]) -> str:
    """``module:name`` of a module-level callable (a worker imports it by that name)."""
    name = getattr(obj, "__qualname__", "")
    if not name or "<" in name or "." in name:
        raise SystemExit(
            f"HTTP_WORKERS > 1 needs a module-level settings class and app factory; "
            f"{obj!r} is not one"
        )
    return f"{obj.__module__}:{name}"


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def worker_app() -> FastAPI:
    """The app of one worker (uvicorn calls this in each worker process)."""
    settings: ServiceSettings = _load(os.environ[SETTINGS])()
    app: FastAPI = _load(os.environ[FACTORY])(settings)
    if settings.gc_tuning:
        collector.tune()
    return app


def serve(
    settings: S,
    settings_factory: Callable[[], S],
    app_factory: Callable[[S], FastAPI],
    **uvicorn_options: Any,
) -> None:
    """Serve ``settings.http_workers`` workers on the settings' port until stopped."""
    import uvicorn

    os.environ[SETTINGS] = qualified(settings_factory)
    os.environ[FACTORY] = qualified(app_factory)
    own_dir = MULTIPROC_DIR not in os.environ
    if own_dir:
        os.environ[MULTIPROC_DIR] = tempfile.mkdtemp(prefix=f"{settings.service_name}-metrics-")
    server = None
    if settings.metrics_port:
        from prometheus_client import CollectorRegistry, multiprocess, start_http_server

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        server, _thread = start_http_server(
            settings.metrics_port, addr=settings.http_host, registry=registry
        )
        os.environ[SUPERVISOR_SERVES_METRICS] = "1"
    try:
        uvicorn.run(
            "sc_core.workers:worker_app",
            factory=True,
            workers=settings.http_workers,
            host=settings.http_host,
            port=settings.http_port,
            **uvicorn_options,
        )
    finally:
        if server is not None:
            server.shutdown()
        if own_dir:
            shutil.rmtree(os.environ[MULTIPROC_DIR], ignore_errors=True)
