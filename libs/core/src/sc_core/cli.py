"""``python -m <service>`` serves; ``python -m <service> migrate`` migrates and exits."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI

from sc_core import collector, workers
from sc_core.db.engine import create_database_if_missing
from sc_core.db.migrate import upgrade
from sc_core.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def run_service(
    settings_factory: Callable[[], S],
    app_factory: Callable[[S], FastAPI],
    *,
    migrations_dir: Path | None = None,
    argv: list[str] | None = None,
    commands: dict[str, Callable[[ServiceSettings, list[str]], int]] | None = None,
) -> None:
    """``serve`` (default), ``migrate``, or one of the service's own ``commands``, each
    called with the settings and the remaining arguments; its return is the exit code."""
    extra = commands or {}
    parser = argparse.ArgumentParser()
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "migrate", *extra])
    args, rest = parser.parse_known_args(argv)
    settings = settings_factory()
    if args.command in extra:
        raise SystemExit(extra[args.command](settings, rest))
    if args.command == "migrate":
        if migrations_dir is None:
            print(f"{settings.service_name} has no database; nothing to migrate")
            return

        async def _migrate() -> None:
            if settings.database_auto_create:
                await create_database_if_missing(settings.database_url)
            await upgrade(migrations_dir, settings.database_url)

        asyncio.run(_migrate())
        print(f"{settings.service_name}: migrations applied")
        return

    import uvicorn

    from sc_core.one_write import PROTOCOL

    options: dict[str, Any] = {
        "http": PROTOCOL,  # an answer of known length in one write (ADR 0068)
        "log_config": None,
        "access_log": False,
        # the client's address is read by sc_core.net.client_address, from the settings'
        # FORWARDED_ALLOW_IPS; uvicorn rewriting it first would apply another rule
        "proxy_headers": False,
        "timeout_graceful_shutdown": 5,
        # longer than the gateway keeps an idle connection (30 s): the client, not the
        # server, closes it, so a request never meets a connection closing under it
        "timeout_keep_alive": 75,
    }
    if settings.http_workers > 1:
        workers.serve(settings, settings_factory, app_factory, **options)
        return
    app = app_factory(settings)
    if settings.gc_tuning:
        collector.tune()
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, **options)
