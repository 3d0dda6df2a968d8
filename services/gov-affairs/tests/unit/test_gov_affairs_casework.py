"""The hotline and mediation view from work-order steps: idempotent, never backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gov_affairs.domain.casework import CaseStep, apply

T = datetime(2026, 4, 1, tzinfo=UTC)


def step(action: str, status: str, minutes: int, case_type: str = "hotline_ticket") -> CaseStep:
    return CaseStep(
        "wo-1",
        case_type,
        "c1",
        action,
        status,
        T + timedelta(minutes=minutes),
        external_ref="12345-2026-000789" if action == "created" else None,
    )


def test_a_ticket_from_creation_to_closing() -> None:
    v = apply(None, step("created", "submitted", 0))
    assert v is not None and (v.ticket_number, v.status_text.zh) == (
        "12345-2026-000789",
        "已受理待分派",
    )
    for s in (
        step("accepted", "accepted", 5),
        step("reply", "accepted", 10),
        step("reply", "accepted", 20),
    ):
        v = apply(v, s)
    assert v is not None and (v.replies, v.status) == (2, "accepted")
    v = apply(
        v,
        CaseStep(
            "wo-1", "hotline_ticket", "c1", "sla_breached", "accepted", T + timedelta(hours=2)
        ),
    )
    assert v is not None and v.overdue
    v = apply(v, step("resolved", "resolved", 180))
    assert v is not None and (v.status, v.overdue, v.ticket_number) == (
        "resolved",
        False,
        "12345-2026-000789",
    )


def test_late_and_repeated_steps_change_nothing() -> None:
    v = apply(apply(None, step("created", "submitted", 0)), step("resolved", "resolved", 60))
    assert apply(v, step("accepted", "accepted", 30)) == v


def test_other_case_types_are_not_watched() -> None:
    assert apply(None, step("created", "submitted", 0, case_type="repair")) is None
    assert apply(None, step("created", "submitted", 0, case_type="mediation")) is not None
