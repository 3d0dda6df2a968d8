"""The adapter interface every channel implements."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from sc_core.db.uow import UnitOfWork
from sc_core.messaging.sms import ProviderError

__all__ = ["ChannelAdapter", "Outgoing", "ProviderError"]


@dataclass(frozen=True)
class Outgoing:
    """One delivery's message, ready for a channel."""

    delivery_id: uuid.UUID
    request_id: str
    recipient_id: str
    channel: str
    title: str
    body: str
    severity: str
    template: str
    attempt: int  # 1-based number of this attempt
    community_id: str | None = None
    correlation_id: str | None = None
    # phone number (sms, voice), push token (push), device id (speaker, screen)
    address: str | None = None
    push_tokens: tuple[str, ...] = ()


class ChannelAdapter(Protocol):
    """Sends one message on one channel.

    ``uow`` is the transaction that records this attempt's outcome: adapters whose
    effect is local (the inbox, the development sink, device commands through the
    outbox) write inside it, so the effect and its record commit together; adapters that
    call a remote provider leave it alone. Returns the provider's reference, if any;
    raises :class:`ProviderError` when the message was not accepted.
    """

    channel: str

    async def send(self, message: Outgoing, uow: UnitOfWork) -> str | None: ...
