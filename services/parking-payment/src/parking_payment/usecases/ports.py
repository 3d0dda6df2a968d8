"""What the use cases need from the service kit and from each other, as protocols.

The kit's ``UnitOfWork`` (``session``, ``publish(model, key=)``, ``audit(...)``,
``commit()``) and ``Caller`` (principal, address, request id) fit these structurally;
the use cases name only what they use.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from parking_payment.domain.payments import PaymentOrder


class Who(Protocol):
    @property
    def subject(self) -> str: ...

    @property
    def principal(self) -> Any: ...


class Uow(Protocol):
    @property
    def session(self) -> AsyncSession: ...

    async def publish(self, data: Any, *, key: str) -> Any: ...

    async def audit(
        self,
        who: Any,
        action: str,
        resource_type: str,
        resource_id: str | None = None,
        *,
        community_id: str | None = None,
        detail: dict[str, str] | None = None,
        outcome: Any = "success",
    ) -> Any: ...

    async def commit(self) -> None: ...


class UowFactory(Protocol):
    def __call__(self) -> AbstractAsyncContextManager[Uow]: ...


@dataclass(frozen=True, slots=True)
class Quote:
    """What paying a target costs now, and where it belongs."""

    amount: int
    description: str  # shown in the payer's app: 停车费 京A12345 停车2小时10分钟
    community_id: str | None
    household_id: str | None


class PaymentTarget(Protocol):
    """A thing that can be paid for (a parking session, a bill, a charge)."""

    async def quote(self, uow: Uow, who: Who, target_id: str, now: datetime) -> Quote:
        """The amount due now; raises ``DomainError``/``Problem`` when it cannot be paid
        or the caller may not pay it."""

    async def paid(self, uow: Uow, order: PaymentOrder) -> bool:
        """Apply a succeeded order to the target in the same unit of work. False when the
        target was settled already (the money is then due back: a duplicate payment)."""
