"""Tasks a district or city platform sends down over Kafka (issue 25 item 2, ADR 0042, 0044).

The sender writes ``CityTaskIssuedV1`` on the inbound ``exchange.city-tasks.v1`` with its
own Kafka principal, which its agreement lets write that topic and nothing else
(``sc_contracts.acls``: ``writes``). gov-affairs cannot see which principal wrote a message,
so the message proves its sender itself: ``sender_token`` is the access token identity gave
the client the agreement names (the same client credentials as ``POST
/api/v1/exchange/tasks``), verified with the same JWKS verifier as a request's, and
``agreement_id`` must be an active agreement naming that client and covering every
community. Then the task takes the very path of the HTTP route (:class:`CityTasks`):
idempotent by the sender's task id, the same refusals with the same codes.

A refusal is a 4xx :class:`~sc_core.errors.Problem`, which the consumer does not retry
(``sc_core.bus.reasons.refused``, ADR 0044): the message goes to
``exchange.city-tasks.v1.dlq`` after one attempt, its ``x-dlq-code`` the refusal's own code
(``exchange.community_not_covered``), and the partition goes on. A sender the token names
(another client's agreement, a community not covered, the same task id with other content)
is also answered on ``exchange.task-outcomes.v1``: state ``refused`` with that code and its
words, recorded as an exchange (:mod:`gov_affairs.usecases.city_task_outcomes`). A token
that is missing, forged or expired names nobody: the dead letter alone. Without identity's
keys (503) the message is retried, then dead-lettered, as any failure.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from gov_affairs.usecases.city_task_outcomes import push_outcome, refusals, sender_agreement
from gov_affairs.usecases.city_tasks import CityTasks, NewTask, Received
from sc_contracts.events import CityTaskIssuedV1
from sc_core.auth import Caller, JWKSVerifier
from sc_core.bus.cloudevents import Envelope
from sc_core.bus.reasons import refused
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.service import Runtime


class InboundTasks:
    def __init__(self, tasks: CityTasks) -> None:
        self.tasks = tasks
        # the app's verifier once the service runs (create_app binds it): the same keys,
        # issuer, audience and revocations as a request's bearer token
        self.verifier: Callable[[], JWKSVerifier | None] = lambda: None

    async def receive(self, event: CityTaskIssuedV1, message_id: str) -> Received:
        """Take the task of message ``message_id`` (its CloudEvent id), or raise the
        refusal (a 4xx Problem) after answering its sender when the token names one."""
        verifier = self.verifier()
        if verifier is None:  # not yet bound: a moment, not the message's fault
            raise Problem(
                503,
                "exchange.sender_unverifiable",
                "gov-affairs cannot verify the sender yet",
                zh="暂时无法核验任务的发送方",
            )
        # a token that fails names nobody: its 401 is the dead letter's code, no answer
        who = Caller(await verifier.verify(event.sender_token))
        try:
            named = uuid.UUID(event.agreement_id)
        except ValueError:
            named = None
        try:
            return await self._take(who, event, named)
        except Problem as problem:
            if refused(problem):
                await self._answer(who.subject, named, event, message_id, problem)
            raise

    async def _take(
        self, who: Caller, event: CityTaskIssuedV1, named: uuid.UUID | None
    ) -> Received:
        if named is None:
            raise Forbidden(
                "exchange.no_agreement",
                "The task names no exchange agreement by its id",
                zh="任务未以编号指明数据交换协议",
            )
        if event.building_id is not None and len(set(event.communities)) != 1:
            raise Problem(
                422,
                "city_task.building_needs_one_community",
                "A building is named for a task of one community",
                zh="指定楼栋的任务只能针对一个社区",
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
        return await self.tasks.receive(who, new, agreement_id=named)

    async def _answer(
        self,
        client_id: str,
        named: uuid.UUID | None,
        event: CityTaskIssuedV1,
        message_id: str,
        problem: Problem,
    ) -> None:
        """The refusal on the outcomes topic, committed on its own (the message's own unit
        of work rolls back with the refusal); nothing when the client has no agreement."""
        now = self.tasks.clock()
        async with self.tasks.db.uow() as uow:
            agreement = await sender_agreement(uow, client_id, named, now)
            if agreement is None:
                return
            for outcome in refusals(agreement, event, message_id, problem, now):
                await push_outcome(uow, agreement, outcome)
            await uow.commit()


def subscribe_inbound_tasks(runtime: Runtime, inbound: InboundTasks) -> None:
    consumer = runtime.consumer(name="city-tasks-in")

    @consumer.on(CityTaskIssuedV1, envelope=True)
    async def on_task(event: CityTaskIssuedV1, uow: UnitOfWork, envelope: Envelope) -> None:
        # the task commits in its own unit of work (as from the HTTP route); this one
        # holds the inbox row, so a redelivered message is skipped, and a task received
        # twice is received once (the sender's task id)
        await inbound.receive(event, envelope.id)
