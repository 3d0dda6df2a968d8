"""The approval engine: ordered steps, all / any / N-of-M sign-off, conditions, due dates
with reminders and escalation, delegation, return for more, withdrawal, audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from gov_affairs.domain.approvals import engine as e
from gov_affairs.domain.approvals.calendar import WorkCalendar
from gov_affairs.domain.approvals.flow import FlowDef, SignerRef

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
ROLES = {
    "community_admin": ["admin-1", "admin-2"],
    "gov_officer": ["officer-1", "officer-2", "officer-3"],
    "street_director": ["director"],
}


def resolve(ref: SignerRef) -> list[str]:
    return [ref.account] if ref.account else list(ROLES.get(ref.role or "", []))


def ctx(at: datetime = T0, **facts: Any) -> e.Context:
    return e.Context(now=at, facts=facts, resolve=resolve)


def flow(*steps: dict[str, Any]) -> FlowDef:
    return FlowDef.model_validate({"steps": list(steps)})


def step(key: str, *signers: str, **kw: Any) -> dict[str, Any]:
    refs = [{"account": s} if "-" in s else {"role": s} for s in signers]
    return {"key": key, "name": {"zh": key, "en": key}, "signers": refs, **kw}


TWO_IN_ORDER = flow(step("community", "community_admin"), step("street", "gov_officer"))


def test_two_signers_in_order_approve() -> None:
    out = e.start(TWO_IN_ORDER, "resident-1", ctx())
    run = out.approval
    assert run.current == "community"
    assert out.effects == [e.TasksOpened("community", ("admin-1", "admin-2"), None)]
    # the street office cannot sign before the community has
    with pytest.raises(e.ApprovalError) as early:
        e.decide(run, "officer-1", "approve", ctx())
    assert early.value.code == "approval.not_your_turn"
    out = e.decide(run, "admin-2", "approve", ctx(), "材料齐全")
    run = out.approval
    assert run.current == "street"
    assert e.StepFinished("community", "approved") in out.effects
    # the other community admin's task is no longer needed
    assert [t.status for t in run.state("community").tasks] == ["not_needed", "approved"]
    out = e.decide(run, "officer-3", "approve", ctx())
    assert out.approval.status == "approved"
    assert out.effects[-1] == e.Finished("approved")
    actions = [(h.actor, h.action, h.step) for h in out.approval.history]
    assert ("admin-2", "approve", "community") in actions
    assert ("officer-3", "approve", "street") in actions
    assert actions[-1] == ("system", "approved", "street")


def test_the_applicant_never_signs_their_own_application() -> None:
    run = e.start(TWO_IN_ORDER, "admin-1", ctx()).approval
    assert [t.assignee for t in run.state("community").tasks] == ["admin-2"]


def test_any_first_rejection_decides() -> None:
    run = e.start(TWO_IN_ORDER, "resident-1", ctx()).approval
    out = e.decide(run, "admin-1", "reject", ctx(), "不符合条件")
    assert out.approval.status == "rejected"
    assert out.approval.state("street").status == "waiting"


def test_all_needs_every_signer_and_one_rejection_rejects() -> None:
    f = flow(step("joint", "gov_officer", mode="all"))
    run = e.start(f, "r", ctx()).approval
    run = e.decide(run, "officer-1", "approve", ctx()).approval
    run = e.decide(run, "officer-2", "approve", ctx()).approval
    assert run.status == "running"
    assert e.decide(run, "officer-3", "approve", ctx()).approval.status == "approved"
    assert e.decide(run, "officer-3", "reject", ctx()).approval.status == "rejected"


def test_n_of_m_approves_at_n_and_rejects_when_n_is_out_of_reach() -> None:
    f = flow(step("panel", "gov_officer", mode="n_of_m", n=2))
    run = e.start(f, "r", ctx()).approval
    run = e.decide(run, "officer-1", "reject", ctx()).approval
    assert run.status == "running"  # two approvals are still possible
    approved = e.decide(
        e.decide(run, "officer-2", "approve", ctx()).approval, "officer-3", "approve", ctx()
    )
    assert approved.approval.status == "approved"
    rejected = e.decide(run, "officer-2", "reject", ctx())
    assert rejected.approval.status == "rejected"


def test_n_of_m_needs_at_least_n_signers() -> None:
    f = flow(step("panel", "community_admin", mode="n_of_m", n=3))
    with pytest.raises(e.ApprovalError) as caught:
        e.start(f, "r", ctx())
    assert caught.value.code == "approval.not_enough_signers"


def test_a_step_whose_condition_fails_is_skipped() -> None:
    big = {"fact": "amount", "op": "gt", "value": 1000}
    f = flow(
        step("community", "community_admin"), step("director", "street_director", condition=big)
    )
    run = e.start(f, "r", ctx(amount=500)).approval
    out = e.decide(run, "admin-1", "approve", ctx(amount=500))
    assert out.approval.status == "approved"
    assert e.StepFinished("director", "skipped") in out.effects
    # above the amount, and when the amount is unknown, the director signs too
    for facts in ({"amount": 5000}, {}):
        run = e.start(f, "r", ctx(**facts)).approval
        assert e.decide(run, "admin-1", "approve", ctx(**facts)).approval.current == "director"


def test_delegation_passes_the_task_on() -> None:
    run = e.start(flow(step("joint", "gov_officer", mode="all")), "r", ctx()).approval
    out = e.delegate(run, "officer-1", "deputy-9", ctx(), "出差")
    run = out.approval
    assert out.effects == [e.TasksOpened("joint", ("deputy-9",), None)]
    with pytest.raises(e.ApprovalError):
        e.decide(run, "officer-1", "approve", ctx())  # handed on: no longer theirs
    for who in ("deputy-9", "officer-2", "officer-3"):
        run = e.decide(run, who, "approve", ctx()).approval
    assert run.status == "approved"
    delegated = run.state("joint").tasks[-1]
    assert (delegated.assignee, delegated.delegated_from) == ("deputy-9", "officer-1")


@pytest.mark.parametrize("to", ["officer-1", "officer-2", "r"])
def test_delegation_to_self_a_cosigner_or_the_applicant_is_refused(to: str) -> None:
    run = e.start(flow(step("joint", "gov_officer", mode="all")), "r", ctx()).approval
    with pytest.raises(e.ApprovalError) as caught:
        e.delegate(run, "officer-1", to, ctx())
    assert caught.value.code == "approval.bad_delegate"


def test_a_step_may_forbid_delegation() -> None:
    run = e.start(flow(step("s", "gov_officer", allow_delegation=False)), "r", ctx()).approval
    with pytest.raises(e.ApprovalError) as caught:
        e.delegate(run, "officer-1", "deputy", ctx())
    assert caught.value.code == "approval.delegation_not_allowed"


def test_return_for_more_then_resume_starts_a_new_round() -> None:
    run = e.start(TWO_IN_ORDER, "resident-1", ctx()).approval
    run = e.decide(run, "admin-1", "approve", ctx()).approval
    out = e.request_more(run, "officer-2", ctx(), ["household_book"], "请补充户口簿")
    run = out.approval
    assert run.status == "returned"
    assert out.effects == [e.Returned("street", "officer-2", ("household_book",), "请补充户口簿")]
    with pytest.raises(e.ApprovalError) as waiting:
        e.decide(run, "officer-1", "approve", ctx())
    assert waiting.value.code == "approval.returned"
    with pytest.raises(e.ApprovalError):
        e.resume(run, "officer-2", ctx())  # only the applicant resubmits
    later = T0 + timedelta(days=2)
    run = e.resume(run, "resident-1", ctx(later)).approval
    street = run.state("street")
    assert (run.status, street.round, street.activated_at) == ("running", 2, later)
    assert run.state("community").status == "approved"  # earlier steps stand
    assert e.decide(run, "officer-2", "approve", ctx()).approval.status == "approved"


def test_withdrawal_by_the_applicant_only_and_only_before_a_decision() -> None:
    run = e.start(TWO_IN_ORDER, "resident-1", ctx()).approval
    with pytest.raises(e.ApprovalError):
        e.withdraw(run, "admin-1", ctx())
    out = e.withdraw(run, "resident-1", ctx(), "不需要了")
    assert out.approval.status == "withdrawn"
    assert all(t.status == "cancelled" for t in out.approval.state("community").tasks)
    with pytest.raises(e.ApprovalError) as done:
        e.withdraw(out.approval, "resident-1", ctx())
    assert done.value.code == "approval.finished"
    with pytest.raises(e.ApprovalError):
        e.decide(out.approval, "admin-1", "approve", ctx())


ESCALATING = flow(
    step(
        "community",
        "community_admin",
        due={"hours": 24, "remind_before_hours": 4, "escalate_to": [{"role": "street_director"}]},
    )
)


def test_reminder_before_due_then_escalation_once() -> None:
    run = e.start(ESCALATING, "r", ctx()).approval
    assert run.state("community").due_at == T0 + timedelta(hours=24)
    assert e.tick(run, ctx(T0 + timedelta(hours=19))).effects == []
    out = e.tick(run, ctx(T0 + timedelta(hours=20)))
    assert out.effects == [
        e.Reminded("community", ("admin-1", "admin-2"), T0 + timedelta(hours=24))
    ]
    run = out.approval
    assert e.tick(run, ctx(T0 + timedelta(hours=21))).effects == []  # reminded once
    out = e.tick(run, ctx(T0 + timedelta(hours=25)))
    assert out.effects == [e.Escalated("community", ("director",), T0 + timedelta(hours=24))]
    run = out.approval
    assert e.tick(run, ctx(T0 + timedelta(hours=30))).effects == []  # escalated once
    # the director's decision decides the step outright
    out = e.decide(run, "director", "approve", ctx(T0 + timedelta(hours=26)))
    assert out.approval.status == "approved"
    assert {t.status for t in out.approval.state("community").tasks if t.kind == "signer"} == {
        "not_needed"
    }


def test_a_decision_in_time_leaves_nothing_to_escalate() -> None:
    run = e.start(ESCALATING, "r", ctx()).approval
    run = e.decide(run, "admin-1", "approve", ctx()).approval
    assert e.tick(run, ctx(T0 + timedelta(days=5))).effects == []


def test_due_in_working_days_skips_weekends_and_holidays_and_counts_swapped_saturdays() -> None:
    cal = WorkCalendar(
        holidays=frozenset({date(2026, 4, 6)}),  # a Monday holiday
        extra_workdays=frozenset({date(2026, 4, 11)}),  # a Saturday worked in exchange
    )
    friday = datetime(2026, 4, 3, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
    assert cal.add_working_days(friday, 1) == datetime(2026, 4, 7, 2, 0, tzinfo=UTC)
    assert cal.add_working_days(friday, 5) == datetime(2026, 4, 11, 2, 0, tzinfo=UTC)
    f = flow(step("s", "community_admin", due={"working_days": 1}))
    run = e.start(f, "r", e.Context(now=friday, resolve=resolve, calendar=cal)).approval
    assert run.state("s").due_at == datetime(2026, 4, 7, 2, 0, tzinfo=UTC)


def test_the_run_round_trips_as_json() -> None:
    run = e.start(ESCALATING, "r", ctx()).approval
    run = e.tick(run, ctx(T0 + timedelta(hours=25))).approval
    again = e.Approval.model_validate_json(run.model_dump_json())
    assert again == run
    assert e.decide(again, "director", "reject", ctx()).approval.status == "rejected"


@pytest.mark.parametrize(
    "bad",
    [
        {"steps": []},
        {"steps": [step("a", "x"), step("a", "y")]},
        {"steps": [step("a", "x", mode="n_of_m")]},
        {"steps": [step("a", "x", n=2)]},
        {"steps": [{**step("a", "x"), "signers": [{"role": "x", "account": "y"}]}]},
        {"steps": [step("a", "x", due={"hours": 1, "working_days": 1})]},
    ],
)
def test_malformed_flows_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        FlowDef.model_validate(bad)


def test_someone_who_signed_an_earlier_step_does_not_sign_a_later_one() -> None:
    both = {"community_admin": ["boss", "admin-1"], "gov_officer": ["boss", "officer-1"]}

    def res(ref: SignerRef) -> list[str]:
        return both.get(ref.role or "", [])

    c = e.Context(now=T0, resolve=res)
    run = e.start(TWO_IN_ORDER, "r", c).approval
    run = e.decide(run, "boss", "approve", c).approval
    assert [t.assignee for t in run.state("street").tasks] == ["officer-1"]
    relaxed = flow(step("a", "community_admin"), step("b", "gov_officer", distinct_signers=False))
    run = e.decide(e.start(relaxed, "r", c).approval, "boss", "approve", c).approval
    assert [t.assignee for t in run.state("b").tasks] == ["boss", "officer-1"]
