"""What the running service is made of, bound once the database exists."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from notification.channels import ChannelAdapter, build_adapters
from notification.config import Settings
from notification.dispatch import Dispatcher
from notification.hub import StreamHub
from sc_core.service import Runtime
from sc_core.streams import StreamSlots


@dataclass
class Parts:
    settings: Settings
    hub: StreamHub
    client: httpx.AsyncClient = field(init=False)
    adapters: dict[str, ChannelAdapter] = field(default_factory=dict)
    stream_slots: StreamSlots = field(init=False)
    _dispatcher: Dispatcher | None = None

    def __post_init__(self) -> None:
        self.stream_slots = StreamSlots(
            self.settings.max_streams_per_caller, code="stream.too_many_streams"
        )

    def bind(self, runtime: Runtime) -> None:
        assert runtime.db is not None and runtime.auditor is not None
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.settings.provider_timeout_seconds), follow_redirects=False
        )
        self.adapters = build_adapters(self.settings, self.client)
        self._dispatcher = Dispatcher(runtime.db, self.settings, self.adapters, runtime.auditor)

    @property
    def dispatcher(self) -> Dispatcher:
        assert self._dispatcher is not None, "Parts.bind() has not run"
        return self._dispatcher
