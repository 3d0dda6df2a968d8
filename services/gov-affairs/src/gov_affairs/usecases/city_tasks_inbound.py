"""Tasks a district or city platform sends down over Kafka (issue 25 item 2, ADR 0042).

The sender writes ``CityTaskIssuedV1`` on the inbound ``exchange.city-tasks.v1`` with its
own Kafka principal, which its agreement lets write that topic and nothing else
(``sc_contracts.acls``: ``writes``). gov-affairs cannot see which principal wrote a message,
so the message proves its sender itself: ``sender_token`` is the access token identity gave
the client the agreement names (the same client credentials as ``POST
/api/v1/exchange/tasks``), verified with the same JWKS verifier as a request's, and
``agreement_id`` must be an active agreement naming that client and covering every
community. Then the task takes the very path of the HTTP route (:class:`CityTasks`):
idempotent by the sender's task id, the same refusals with the same codes.

A message that is refused (a bad or expired token, another client's agreement, a community
not covered, the same task id with other content) or that does not fit the contract goes
to ``exchange.city-tasks.v1.dlq`` with its reason (``x-dlq-reason``: the refusal's stable
code and its words); the partition goes on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from gov_affairs.usecases.city_tasks import CityTasks, NewTask, Received
from sc_contracts.events import CityTaskIssuedV1
from sc_core.auth import Caller, JWKSVerifier
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.service import Runtime


class TaskRefused(Exception):
    """A task sent down that gov-affairs will not take: the refusal's stable code and its
    words (what the dead letter says; never a value of the message)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


class InboundTasks:
    def __init__(self, tasks: CityTasks) -> None:
        self.tasks = tasks
        # the app's verifier once the service runs (create_app binds it): the same keys,
        # issuer, audience and revocations as a request's bearer token
        self.verifier: Callable[[], JWKSVerifier | None] = lambda: None

    async def receive(self, event: CityTaskIssuedV1) -> Received:
        verifier = self.verifier()
        if verifier is None:
            raise TaskRefused("exchange.sender_unverifiable", "gov-affairs has no JWKS to verify")
        try:
            principal = await verifier.verify(event.sender_token)
        except Problem as problem:
            raise TaskRefused(problem.code, "the sender's token is not accepted") from None
        try:
            agreement_id = uuid.UUID(event.agreement_id)
        except ValueError:
            raise TaskRefused("exchange.no_agreement", "agreement_id is not an id") from None
        if event.building_id is not None and len(set(event.communities)) != 1:
            raise TaskRefused(
                "city_task.building_needs_one_community",
                "A building is named for a task of one community",
            )
        new = NewTask(
            task_id=event.task_id,
            kind=event.kind,
            title=event.title,
            title_en=event.title_en,
            description=event.description,
            communities=list(dict.fromkeys(event.communities)),
            building_id=event.building_id,
            due_at=event.due_at,
        )
        try:
            return await self.tasks.receive(Caller(principal), new, agreement_id=agreement_id)
        except Problem as problem:
            raise TaskRefused(problem.code, problem.detail) from None


def subscribe_inbound_tasks(runtime: Runtime, inbound: InboundTasks) -> None:
    consumer = runtime.consumer(name="city-tasks-in")

    @consumer.on(CityTaskIssuedV1)
    async def on_task(event: CityTaskIssuedV1, uow: UnitOfWork) -> None:
        # the task commits in its own unit of work (as from the HTTP route); this one
        # holds the inbox row, so a redelivered message is skipped, and a task received
        # twice is received once (the sender's task id)
        await inbound.receive(event)
