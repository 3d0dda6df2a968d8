"""Pure logic: templates for every code in both languages, quiet hours, backoff, cursor."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from notification.domain.rules import backoff, quiet_until
from notification.domain.sse import Cursor, frame
from notification.domain.templates import SEED, UnknownTemplate, fill, render

CODES = [
    "alarm.raised",
    "alarm.escalated",
    "alarm.cleared",
    "emergency.warning",
    "generic.message",
    *(
        f"workorder.{a}"
        for a in [
            "created",
            "accepted",
            "assigned",
            "replied",
            "resolved",
            "closed",
            "rejected",
            "reopened",
            "sla_breached",
        ]
    ),
]
SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("code", CODES)
def test_every_agreed_code_renders_in_both_languages(code: str) -> None:
    variables = {
        "alarm_type": "smoke",
        "severity": "critical",
        "title": "T-1",
        "place": "3-2-1201",
        "stage": "2",
        "message": "M-1",
        "body": "B-1",
        "number": "WO-9",
        "case_type": "repair",
        "status": "assigned",
    }
    assert set(SEED[code]) == {"zh-CN", "en"}
    for locale in ("zh-CN", "en"):
        chosen, out = render(code, SEED[code], variables, locale, "zh-CN")
        assert chosen == locale
        assert out.title and out.body
        assert "{" not in out.title + out.body


def test_locale_falls_back_by_language_then_default() -> None:
    assert render("generic.message", SEED["generic.message"], {}, "en-GB", "zh-CN")[0] == "en"
    assert render("generic.message", SEED["generic.message"], {}, "fr", "zh-CN")[0] == "zh-CN"


def test_unknown_template_uses_title_body_or_fails() -> None:
    _, out = render("x.y", {}, {"title": "Hi", "body": "there"}, "en", "zh-CN")
    assert (out.title, out.body) == ("Hi", "there")
    with pytest.raises(UnknownTemplate):
        render("x.y", {}, {"other": "1"}, "en", "zh-CN")


def test_fill_leaves_missing_blank_and_refuses_lookups() -> None:
    assert fill("a {x} b {missing}", {"x": "1"}) == "a 1 b "
    assert fill("{x.__class__} {x[0]} {x!r}", {"x": "s"}) == "{x.__class__} {x[0]} {x}"


def test_quiet_hours_across_midnight() -> None:
    late = datetime(2026, 1, 1, 23, 30, tzinfo=SH)
    early = datetime(2026, 1, 2, 6, 0, tzinfo=SH)
    noon = datetime(2026, 1, 2, 12, 0, tzinfo=SH)
    assert quiet_until(late, "22:00", "07:00", SH) == datetime(2026, 1, 2, 7, 0, tzinfo=SH)
    assert quiet_until(early, "22:00", "07:00", SH) == datetime(2026, 1, 2, 7, 0, tzinfo=SH)
    assert quiet_until(noon, "22:00", "07:00", SH) is None
    assert quiet_until(noon, "12:00", "12:00", SH) is None
    assert quiet_until(noon.astimezone(UTC), "11:00", "13:00", SH) == datetime(
        2026, 1, 2, 13, 0, tzinfo=SH
    )
    assert quiet_until(noon, None, "07:00", SH) is None


def test_backoff_doubles_and_caps() -> None:
    assert [backoff(n, 5, 60) for n in range(1, 6)] == [5, 10, 20, 40, 60]


def test_cursor_round_trip_and_garbage() -> None:
    assert Cursor.parse("12-7") == Cursor(12, 7)
    assert Cursor.parse("12") == Cursor(12, 0)
    assert str(Cursor(3, 4)) == "3-4"
    for bad in ("", "x", "1-y", "-1-2", None):
        assert Cursor.parse(bad) is None


def test_frame_is_one_sse_message() -> None:
    assert (
        frame("message", {"a": "中"}, "1-0")
        == 'id: 1-0\nevent: message\ndata: {"a":"中"}\n\n'.encode()
    )


@pytest.mark.parametrize(
    "recipients",
    [{"user_ids": [""]}, {"user_ids": ["u-1", "  "]}, {"household_ids": [""]}],
)
def test_an_empty_recipient_id_is_refused_at_the_door(recipients: dict[str, list[str]]) -> None:
    """Issue 30.11: ``user_ids: [""]`` was accepted, then its delivery retried for ever."""
    from pydantic import ValidationError

    from notification.api.notifications import NotificationCreate

    body = {"recipients": recipients, "template": "generic.message", "channels": ["inapp"]}
    # an empty id is refused by the contract's own length (issue 18: at least 1 character),
    # a blank one by the request's check
    with pytest.raises(ValidationError, match=r"may not hold empty ids|at least 1 character"):
        NotificationCreate.model_validate(body)
    NotificationCreate.model_validate({**body, "recipients": {"user_ids": ["u-1"]}})
