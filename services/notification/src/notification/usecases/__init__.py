"""The use cases of notification: what the service does for a route (or a job) alike.
Each owns its unit of work, scope checks, audit records and events; routes only translate
to and from them. :class:`UseCases` is built once in :mod:`notification.main` and handed
to the routes (``api/deps.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from notification.usecases.broadcast import Endpoints
from notification.usecases.dev_sink import DevSink
from notification.usecases.feed import AlarmFeed
from notification.usecases.inbox import Inbox
from notification.usecases.notifications import Notifications
from notification.usecases.preferences import Preferences
from notification.usecases.templates import Templates


@dataclass(frozen=True)
class UseCases:
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
