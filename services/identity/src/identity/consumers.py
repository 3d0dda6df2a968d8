"""Event subscriptions of identity (thin: the handlers live with their sub-domain)."""

from __future__ import annotations

from identity.access.passages import record
from sc_core.service import Runtime

PASSAGES_TOPIC = "access.passages.v1"


def register(runtime: Runtime) -> None:
    passages = runtime.consumer(name="passages", topics=[PASSAGES_TOPIC])
    passages.on("community.access.passage_recorded.v1")(record)
