"""The use cases of notification: what the service does for a route (or a job) alike.
Each owns its unit of work, scope checks, audit records and events; routes only translate
to and from them. :class:`UseCases` is built once in :mod:`notification.main`, complete
(nothing is bound later), with the parts the stream and the jobs share (the channel
adapters on one HTTP client, the dispatcher, the stream hub and its slots), and handed to
the routes (``api/deps.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from notification.channels import ChannelAdapter
from notification.config import Settings
from notification.hub import StreamHub
from notification.usecases.broadcast import Endpoints
from notification.usecases.dev_sink import DevSink
from notification.usecases.dispatch import Dispatcher
from notification.usecases.feed import AlarmFeed
from notification.usecases.inbox import Inbox
from notification.usecases.notifications import Notifications
from notification.usecases.preferences import Preferences
from notification.usecases.templates import Templates
from sc_core.streams import StreamSlots


@dataclass(frozen=True)
class UseCases:
    settings: Settings
    hub: StreamHub
    client: httpx.AsyncClient
    adapters: dict[str, ChannelAdapter]
    dispatcher: Dispatcher
    stream_slots: StreamSlots
    notifications: Notifications
    inbox: Inbox
    preferences: Preferences
    templates: Templates
    endpoints: Endpoints
    feed: AlarmFeed
    dev_sink: DevSink


__all__ = [
    "AlarmFeed",
    "DevSink",
    "Endpoints",
    "Inbox",
    "Notifications",
    "Preferences",
    "Templates",
    "UseCases",
]
