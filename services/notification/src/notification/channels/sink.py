"""The development sink: records what push, SMS or voice would have sent.

Real code with a real table (``dev_sink``), readable by platform admins through
``GET /api/v1/dev/sink``. ``fail_first`` makes it refuse the first N attempts of every
delivery, to exercise retries.
"""

from __future__ import annotations

from notification.channels.base import Outgoing, ProviderError
from notification.db.models import dev_sink
from sc_core.db.uow import UnitOfWork


class SinkAdapter:
    def __init__(self, channel: str, *, fail_first: int = 0) -> None:
        self.channel = channel
        self.fail_first = fail_first

    async def send(self, message: Outgoing, uow: UnitOfWork) -> str | None:
        if message.attempt <= self.fail_first:
            raise ProviderError("sink.simulated_failure")  # the attempt is on its record
        address = message.address
        if self.channel == "push":
            address = ",".join(message.push_tokens)
        row = (
            await uow.session.execute(
                dev_sink.insert()
                .values(
                    channel=self.channel,
                    delivery_id=message.delivery_id,
                    recipient_id=message.recipient_id,
                    address=address,
                    title=message.title,
                    body=message.body,
                    attempt=message.attempt,
                )
                .returning(dev_sink.c.id)
            )
        ).one()
        return f"sink:{row.id}"
