"""A listed case's ``overdue`` (``sla.overdue``, from a row's plain values) follows the
rule of :func:`work_orders.domain.sla.deadlines` for every status: overdue when a deadline
that runs in the status has passed, and only then."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from work_orders.domain.sla import deadlines, is_overdue, overdue
from work_orders.domain.states import STATUSES

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
DUES = (None, NOW - timedelta(minutes=1), NOW, NOW + timedelta(minutes=1))


@dataclass
class Case:
    status: str
    response_due_at: datetime | None
    resolution_due_at: datetime | None


def test_overdue_is_a_passed_deadline_that_runs_in_the_status() -> None:
    seen = set()
    for status, response, resolution in itertools.product(STATUSES, DUES, DUES):
        case = Case(str(status), response, resolution)
        expected = any(due < NOW for _, due in deadlines(case))
        assert overdue(case.status, response, resolution, NOW) is expected, case
        assert is_overdue(case, NOW) is expected, case
        seen.add(expected)
    assert seen == {True, False}
    # a submitted case past its response deadline; an accepted one past its resolution
    past = NOW - timedelta(hours=1)
    assert overdue("submitted", past, None, NOW)
    assert overdue("accepted", None, past, NOW)
    assert not overdue("accepted", past, None, NOW)  # the response deadline stopped running
    assert not overdue("closed", past, past, NOW)
