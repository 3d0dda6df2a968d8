"""create_app(settings): the alarm service's app with its consumers and periodic jobs."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from fastapi import FastAPI

from alarm.api import alarms, emergency, plans, registers, rules, stats
from alarm.api.deps import Parts
from alarm.config import Settings
from alarm.consumers import register
from alarm.db.models import metadata
from alarm.engine.evaluator import Evaluator
from alarm.engine.notify import escalate_due
from sc_core.service import Runtime, create_service_app
from sc_core.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
log = logging.getLogger(__name__)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or Settings()
    assert isinstance(settings, Settings)
    parts = Parts(settings)

    def prepare(runtime: Runtime) -> None:
        assert runtime.db is not None
        if parts.evaluator is None:
            parts.evaluator = Evaluator(runtime.db, parts.index, settings)

    async def start(runtime: Runtime) -> None:
        prepare(runtime)
        db, evaluator = runtime.db, parts.evaluator
        assert db is not None and evaluator is not None and runtime.producer is not None
        await parts.index.reload(db)
        # what exists after start-up lives as long as the process: keep it out of the
        # collector's way, and collect young objects less often (thousands of readings a
        # second allocate many short-lived ones; fewer pauses, shorter tails)
        if settings.gc_tuning:
            gc.freeze()
            gc.set_threshold(20_000, 20, 20)

        async def reload_rules() -> None:
            await parts.index.reload(db, force=False)

        async def escalate() -> None:
            await escalate_due(db, settings.notification_topic, settings.default_channels)

        runtime.every(settings.rules_reload_s, "alarm-rules-reload", reload_rules)
        runtime.every(settings.timer_sweep_s, "alarm-timers", evaluator.fire_due)
        runtime.every(settings.escalation_sweep_s, "alarm-escalation", escalate)

    app = create_service_app(
        settings,
        title="alarm",
        metadata=metadata,
        migrations_dir=MIGRATIONS,
        routers=[
            rules.router,
            alarms.router,
            plans.router,
            registers.router,
            emergency.router,
            stats.router,
        ],
        consumers=register(parts, prepare),
        on_start=[start],
    )
    app.state.parts = parts
    return app
