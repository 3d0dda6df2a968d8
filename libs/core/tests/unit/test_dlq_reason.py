"""A dead letter's reason: a stable code and a short message, never the message's values."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

from sc_contracts.events.alarm import AlarmRaisedV1
from sc_core.bus.cloudevents import InvalidEvent, decode_data
from sc_core.bus.reasons import dlq_reason, refused
from sc_core.errors import Conflict, Forbidden, NotFound, Problem


class _Person(BaseModel):
    phone: str = Field(max_length=11)


def test_data_that_does_not_fit_names_the_field_not_its_value() -> None:
    with pytest.raises(InvalidEvent) as caught:
        decode_data(b'{"alarm_id": "13800138000-secret"}', AlarmRaisedV1)
    code, message = dlq_reason(caught.value)
    assert code == "event.invalid"
    assert message.startswith("not a AlarmRaisedV1: ")
    assert "13800138000" not in message


def test_a_validation_error_raised_by_a_handler_keeps_the_input_out() -> None:
    with pytest.raises(ValidationError) as caught:
        _Person(phone="138001380001234")
    code, message = dlq_reason(caught.value)
    assert (code, message) == ("event.invalid", "not a _Person: phone: string_too_long")


def test_a_handler_error_keeps_its_type_and_first_line_with_quoted_values_replaced() -> None:
    error = KeyError("no household 'ae3305c4' for\nSELECT * FROM persons WHERE phone='1'")
    code, message = dlq_reason(RuntimeError(str(error)))
    assert code == "handler.RuntimeError"
    assert "ae3305c4" not in message and "SELECT" not in message
    assert len(dlq_reason(ValueError("x" * 5000))[1]) <= 160


def test_a_problem_is_said_by_its_own_code_and_english_words() -> None:
    problem = Forbidden(
        "exchange.no_agreement",
        "No agreement names 'svc-other' as a sender",
        zh="没有有效的数据交换协议允许您下发任务",
    )
    code, message = dlq_reason(problem)
    assert code == "exchange.no_agreement"
    assert message == "No agreement names … as a sender"


@pytest.mark.parametrize(
    ("error", "no_retry"),
    [
        (Forbidden("exchange.no_agreement", "No agreement"), True),
        (NotFound("city_task.not_found"), True),
        (Conflict("city_task.changed", "Other content"), True),
        (Problem(422, "request.validation_failed", "Bad field"), True),
        (Problem(401, "auth.token_expired", "The token has expired"), True),
        (Problem(429, "request.rate_limited", "Too many"), False),  # come back later
        (Problem(408, "request.timeout", "Too slow"), False),
        (Problem(503, "auth.jwks_unavailable", "No keys"), False),  # a dependency away
        (ValueError("cannot handle this one"), False),
        (ConnectionError("database away"), False),
    ],
)
def test_a_4xx_problem_is_a_refusal_no_retry_can_change(
    error: BaseException, no_retry: bool
) -> None:
    assert refused(error) is no_retry
