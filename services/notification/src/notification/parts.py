"""What the running service is made of: built once, complete, in the composition
(:func:`notification.main.build`); nothing is bound later."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from notification.channels import ChannelAdapter
from notification.config import Settings
from notification.dispatch import Dispatcher
from notification.hub import StreamHub
from sc_core.streams import StreamSlots


@dataclass(frozen=True)
class Parts:
    settings: Settings
    hub: StreamHub
    client: httpx.AsyncClient
    adapters: dict[str, ChannelAdapter]
    dispatcher: Dispatcher
    stream_slots: StreamSlots
