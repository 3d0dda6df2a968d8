"""The composition of alarm: every part built once, in order, typed; then the app.

settings -> runtime (database, producer, relay, auditor: built, not connected) -> the rule
index and the evaluator -> the consumers and periodic jobs that call them -> the app with
its routers. Nothing is filled in later (no ``prepare``); the database is migrated and the
rules are loaded when the app starts.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from fastapi import FastAPI

from alarm import consumers
from alarm.api import alarms, departments, emergency, plans, registers, rules, stats
from alarm.api.deps import Parts
from alarm.config import Settings
from alarm.db.models import metadata
from alarm.engine.evaluator import Evaluator
from alarm.engine.index import RuleIndex
from alarm.engine.notify import escalate_due
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    rules.router,
    alarms.router,
    plans.router,
    registers.router,
    departments.router,
    emergency.router,
    stats.router,
]
log = logging.getLogger(__name__)


def build(settings: Settings) -> tuple[Runtime, Parts]:
    """The runtime and the parts the routes share, with their consumers and jobs."""
    runtime = Runtime(settings, metadata)
    db = runtime.db
    index = RuleIndex()
    parts = Parts(settings, index, Evaluator(db, index, settings))
    consumers.register(runtime, parts)

    async def reload_rules() -> None:
        await index.reload(db, force=False)

    async def escalate() -> None:
        await escalate_due(db, settings.notification_topic, settings.default_channels)

    runtime.every(settings.rules_reload_s, "alarm-rules-reload", reload_rules)
    runtime.every(settings.timer_sweep_s, "alarm-timers", parts.evaluator.fire_due)
    runtime.every(settings.escalation_sweep_s, "alarm-escalation", escalate)
    return runtime, parts


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, parts = build(settings)

    async def start(runtime: Runtime) -> None:
        await parts.index.reload(runtime.db)
        # what exists after start-up lives as long as the process: keep it out of the
        # collector's way, and collect young objects less often (thousands of readings a
        # second allocate many short-lived ones; fewer pauses, shorter tails)
        if settings.gc_tuning:
            gc.freeze()
            gc.set_threshold(20_000, 20, 20)

    app = create_service_app(
        settings,
        title="alarm",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        on_start=[start],
    )
    app.state.parts = parts
    return app
