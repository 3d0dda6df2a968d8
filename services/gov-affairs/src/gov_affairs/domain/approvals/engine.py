"""The approval state machine: a flow's run, one action at a time, with no I/O.

Every action takes the run (:class:`Approval`) and a :class:`Context` (now, the facts of the
application, who signs for a role) and returns a new run plus the :class:`Effect` s the
caller turns into notifications, events and audit records. The run is plain data (pydantic),
stored as JSON beside one row per open task, so "what waits for me" and "what is overdue" are
indexed queries. Every action appends an entry to ``history``: every step is audited.

Statuses of a run::

    running ──decide──▶ approved | rejected          (the last step approved / any step rejected)
    running ──request_more──▶ returned ──resume──▶ running   (补正: the applicant adds material)
    running | returned ──withdraw──▶ withdrawn       (the applicant takes it back)

Escalation: when a step's due date passes, the people named in ``escalate_to`` get a task of
their own on the step, and their decision decides the step outright (a supervisor's call).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from gov_affairs.domain.approvals.calendar import WorkCalendar
from gov_affairs.domain.approvals.flow import FlowDef, SignerRef, StepDef
from gov_affairs.domain.rules import evaluate

RunStatus = Literal["running", "approved", "rejected", "returned", "withdrawn"]
StepStatus = Literal["waiting", "active", "approved", "rejected", "skipped", "returned"]
TaskStatus = Literal["pending", "approved", "rejected", "delegated", "not_needed", "cancelled"]
TaskKind = Literal["signer", "delegate", "escalation"]
Decision = Literal["approve", "reject"]
FINAL: frozenset[str] = frozenset({"approved", "rejected", "withdrawn"})


class Task(BaseModel):
    id: str
    assignee: str
    round: int = 1
    kind: TaskKind = "signer"
    status: TaskStatus = "pending"
    delegated_from: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None


class StepState(BaseModel):
    key: str
    status: StepStatus = "waiting"
    round: int = 0
    activated_at: datetime | None = None
    due_at: datetime | None = None
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None
    tasks: list[Task] = Field(default_factory=list)

    def pending(self) -> list[Task]:
        return [t for t in self.tasks if t.status == "pending"]


class Entry(BaseModel):
    at: datetime
    actor: str
    action: str
    step: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class Approval(BaseModel):
    flow: FlowDef
    applicant: str
    status: RunStatus = "running"
    current: str | None = None
    steps: list[StepState]
    history: list[Entry] = Field(default_factory=list)

    def state(self, key: str) -> StepState:
        return next(s for s in self.steps if s.key == key)

    def active(self) -> StepState | None:
        return self.state(self.current) if self.current else None


# --- effects -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TasksOpened:
    step: str
    assignees: tuple[str, ...]
    due_at: datetime | None


@dataclass(frozen=True)
class Reminded:
    step: str
    assignees: tuple[str, ...]
    due_at: datetime


@dataclass(frozen=True)
class Escalated:
    step: str
    to: tuple[str, ...]
    due_at: datetime


@dataclass(frozen=True)
class StepFinished:
    step: str
    outcome: Literal["approved", "rejected", "skipped"]


@dataclass(frozen=True)
class Returned:
    step: str
    by: str
    materials: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Finished:
    outcome: Literal["approved", "rejected", "withdrawn"]


Effect = TasksOpened | Reminded | Escalated | StepFinished | Returned | Finished


# --- errors ------------------------------------------------------------------------------


class ApprovalError(Exception):
    """An action the run cannot take; ``code`` is stable (``approval.<reason>``)."""

    def __init__(self, code: str, message: str, *, zh: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.zh = zh  # the same refusal in Chinese, read first (the message is English)


# --- context -----------------------------------------------------------------------------

Resolver = Callable[[SignerRef], list[str]]


@dataclass(frozen=True)
class Context:
    now: datetime
    facts: Mapping[str, Any] = field(default_factory=dict)
    resolve: Resolver = lambda ref: [ref.account] if ref.account else []
    calendar: WorkCalendar = field(default_factory=WorkCalendar)


@dataclass
class Outcome:
    approval: Approval
    effects: list[Effect]


# --- actions -----------------------------------------------------------------------------


def start(flow: FlowDef, applicant: str, ctx: Context) -> Outcome:
    """Open a run of ``flow`` for ``applicant`` and activate its first step that applies."""
    run = Approval(flow=flow, applicant=applicant, steps=[StepState(key=s.key) for s in flow.steps])
    _log(run, ctx, applicant, "start")
    effects: list[Effect] = []
    _advance(run, None, ctx, effects)
    return Outcome(run, effects)


def decide(
    run: Approval, actor: str, decision: Decision, ctx: Context, comment: str = ""
) -> Outcome:
    """``actor`` approves or rejects their task on the active step."""
    run = _running_copy(run)
    state, task = _own_task(run, actor)
    task.status = "approved" if decision == "approve" else "rejected"
    task.decided_at = ctx.now
    task.comment = comment or None
    _log(run, ctx, actor, decision, state.key, {"task": task.id, "comment": comment})
    effects: list[Effect] = []
    verdict: Literal["approved", "rejected"] | None
    if task.kind == "escalation":  # a supervisor's call decides the step
        verdict = "approved" if decision == "approve" else "rejected"
    else:
        verdict = _step_verdict(run.flow.step(state.key), state)
    if verdict is not None:
        _close_step(run, state, verdict, ctx, effects)
        if verdict == "rejected":
            _finish(run, "rejected", ctx, effects)
        else:
            _advance(run, state.key, ctx, effects)
    return Outcome(run, effects)


def delegate(run: Approval, actor: str, to: str, ctx: Context, comment: str = "") -> Outcome:
    """``actor`` hands their task on the active step to ``to`` (委托)."""
    run = _running_copy(run)
    state, task = _own_task(run, actor)
    if not run.flow.step(state.key).allow_delegation:
        raise ApprovalError(
            "approval.delegation_not_allowed",
            "This step may not be delegated",
            zh="此审批环节不可委托",
        )
    if to == actor or to == run.applicant or any(t.assignee == to for t in state.pending()):
        raise ApprovalError(
            "approval.bad_delegate",
            "Delegate to someone who is not already signing this step",
            zh="请委托给未参与本环节审批的人",
        )
    task.status = "delegated"
    task.decided_at = ctx.now
    state.tasks.append(
        Task(
            id=_task_id(state),
            assignee=to,
            round=state.round,
            kind="delegate",
            delegated_from=actor,
        )
    )
    _log(run, ctx, actor, "delegate", state.key, {"to": to, "comment": comment})
    return Outcome(run, [TasksOpened(state.key, (to,), state.due_at)])


def request_more(
    run: Approval, actor: str, ctx: Context, materials: list[str], note: str
) -> Outcome:
    """``actor`` returns the application to the applicant for more material (补正)."""
    run = _running_copy(run)
    state, _ = _own_task(run, actor)
    if not run.flow.step(state.key).may_request_more:
        raise ApprovalError(
            "approval.request_more_not_allowed",
            "This step cannot ask for more",
            zh="此审批环节不能要求补充材料",
        )
    for t in state.pending():
        t.status = "cancelled"
    state.status = "returned"
    run.status = "returned"
    _log(run, ctx, actor, "request_more", state.key, {"materials": materials, "note": note})
    return Outcome(run, [Returned(state.key, actor, tuple(materials), note)])


def resume(run: Approval, actor: str, ctx: Context) -> Outcome:
    """The applicant has added what was asked: the returned step starts a new round."""
    if run.status != "returned":
        raise ApprovalError(
            "approval.not_returned", "The application was not returned", zh="此申请未被退回补充"
        )
    if actor != run.applicant:
        raise ApprovalError(
            "approval.not_applicant", "Only the applicant resubmits", zh="只有申请人可以重新提交"
        )
    run = run.model_copy(deep=True)
    run.status = "running"
    state = run.state(run.current or "")
    _log(run, ctx, actor, "resume", state.key)
    effects: list[Effect] = []
    _activate(run, run.flow.step(state.key), state, ctx, effects)
    return Outcome(run, effects)


def withdraw(run: Approval, actor: str, ctx: Context, reason: str = "") -> Outcome:
    """The applicant takes the application back (撤回) before it is decided."""
    if run.status in FINAL:
        raise ApprovalError(
            "approval.finished", "The application is already decided", zh="该办件已办结"
        )
    if actor != run.applicant:
        raise ApprovalError(
            "approval.not_applicant", "Only the applicant withdraws", zh="只有申请人可以撤回"
        )
    run = run.model_copy(deep=True)
    for state in run.steps:
        for t in state.pending():
            t.status = "cancelled"
    _log(run, ctx, actor, "withdraw", run.current, {"reason": reason})
    effects: list[Effect] = []
    _finish(run, "withdrawn", ctx, effects)
    return Outcome(run, effects)


def tick(run: Approval, ctx: Context) -> Outcome:
    """Reminders before a due date and escalation after it; running it twice does nothing new."""
    if run.status != "running" or run.current is None:
        return Outcome(run, [])
    state = run.state(run.current)
    due = run.flow.step(state.key).due
    if state.due_at is None or due is None:
        return Outcome(run, [])
    run = run.model_copy(deep=True)
    state = run.state(state.key)
    effects: list[Effect] = []
    assert state.due_at is not None
    waiting = tuple(t.assignee for t in state.pending())
    remind_at = state.due_at - timedelta(hours=due.remind_before_hours)
    if state.reminded_at is None and ctx.now >= remind_at and ctx.now < state.due_at:
        state.reminded_at = ctx.now
        _log(run, ctx, "system", "remind", state.key, {"to": list(waiting)})
        effects.append(Reminded(state.key, waiting, state.due_at))
    if state.escalated_at is None and ctx.now >= state.due_at:
        state.escalated_at = ctx.now
        taken = {t.assignee for t in state.pending()} | {run.applicant}
        to = [a for ref in due.escalate_to for a in ctx.resolve(ref) if a not in taken]
        to = list(dict.fromkeys(to))
        for who in to:
            state.tasks.append(
                Task(id=_task_id(state), assignee=who, round=state.round, kind="escalation")
            )
        _log(run, ctx, "system", "escalate", state.key, {"to": to, "waiting": list(waiting)})
        effects.append(Escalated(state.key, tuple(to), state.due_at))
    return Outcome(run, effects)


# --- internals ---------------------------------------------------------------------------


def _running_copy(run: Approval) -> Approval:
    if run.status == "returned":
        raise ApprovalError(
            "approval.returned",
            "The application waits for the applicant",
            zh="此申请正在等待申请人补充材料",
        )
    if run.status != "running":
        raise ApprovalError(
            "approval.finished", "The application is already decided", zh="该办件已办结"
        )
    return run.model_copy(deep=True)


def _own_task(run: Approval, actor: str) -> tuple[StepState, Task]:
    state = run.active()
    assert state is not None
    for task in state.pending():
        if task.assignee == actor:
            return state, task
    raise ApprovalError(
        "approval.not_your_turn",
        "You have no open task on this application",
        zh="你在此申请上没有待办的审批任务",
    )


def _task_id(state: StepState) -> str:
    return f"{state.key}.{state.round}.{len(state.tasks) + 1}"


def _step_verdict(step: StepDef, state: StepState) -> Literal["approved", "rejected"] | None:
    live = [
        t
        for t in state.tasks
        if t.round == state.round
        and t.kind != "escalation"
        and t.status not in {"delegated", "cancelled", "not_needed"}
    ]
    approvals = sum(t.status == "approved" for t in live)
    rejections = sum(t.status == "rejected" for t in live)
    if step.mode == "any":
        return "approved" if approvals else "rejected" if rejections else None
    if step.mode == "all":
        if rejections:
            return "rejected"
        return "approved" if approvals == len(live) else None
    assert step.n is not None
    if approvals >= step.n:
        return "approved"
    return "rejected" if len(live) - rejections < step.n else None


def _close_step(
    run: Approval,
    state: StepState,
    verdict: Literal["approved", "rejected"],
    ctx: Context,
    effects: list[Effect],
) -> None:
    state.status = verdict
    for t in state.pending():
        t.status = "not_needed"
    _log(run, ctx, "system", f"step_{verdict}", state.key)
    effects.append(StepFinished(state.key, verdict))


def _advance(run: Approval, after: str | None, ctx: Context, effects: list[Effect]) -> None:
    """Activate the next step whose condition holds (unknown counts as holding: a person
    looks); finish the run as approved when none is left."""
    keys = [s.key for s in run.flow.steps]
    start_at = 0 if after is None else keys.index(after) + 1
    for step in run.flow.steps[start_at:]:
        state = run.state(step.key)
        if step.condition is not None and evaluate(step.condition, ctx.facts).passed is False:
            state.status = "skipped"
            _log(run, ctx, "system", "step_skipped", step.key)
            effects.append(StepFinished(step.key, "skipped"))
            continue
        _activate(run, step, state, ctx, effects)
        return
    _finish(run, "approved", ctx, effects)


def _activate(
    run: Approval, step: StepDef, state: StepState, ctx: Context, effects: list[Effect]
) -> None:
    earlier = (
        {
            t.assignee
            for s in run.steps
            if s.key != step.key
            for t in s.tasks
            if t.status == "approved"
        }
        if step.distinct_signers
        else set()
    )
    people = [
        a
        for ref in step.signers
        for a in ctx.resolve(ref)
        if a != run.applicant and a not in earlier
    ]
    people = list(dict.fromkeys(people))
    needed = step.n if step.mode == "n_of_m" else 1
    if len(people) < (needed or 1):
        raise ApprovalError(
            "approval.not_enough_signers",
            f"Step '{step.key}' needs {needed} signer(s) and has {len(people)}",
            zh=f"审批环节（{step.key}）需要 {needed} 名审批人，现有 {len(people)} 名",
        )
    run.current = step.key
    state.status = "active"
    state.round += 1
    state.activated_at = ctx.now
    state.reminded_at = None
    state.escalated_at = None
    state.due_at = _due_at(step, ctx)
    for who in people:
        state.tasks.append(Task(id=_task_id(state), assignee=who, round=state.round))
    _log(run, ctx, "system", "step_active", step.key, {"signers": people, "round": state.round})
    effects.append(TasksOpened(step.key, tuple(people), state.due_at))


def _due_at(step: StepDef, ctx: Context) -> datetime | None:
    if step.due is None:
        return None
    if step.due.hours is not None:
        return ctx.now + timedelta(hours=step.due.hours)
    assert step.due.working_days is not None
    return ctx.calendar.add_working_days(ctx.now, step.due.working_days)


def _finish(
    run: Approval,
    outcome: Literal["approved", "rejected", "withdrawn"],
    ctx: Context,
    effects: list[Effect],
) -> None:
    run.status = outcome
    _log(run, ctx, "system", outcome, run.current)
    effects.append(Finished(outcome))


def _log(
    run: Approval,
    ctx: Context,
    actor: str,
    action: str,
    step: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    run.history.append(
        Entry(at=ctx.now, actor=actor, action=action, step=step, detail=detail or {})
    )
