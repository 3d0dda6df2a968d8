"""Issue 30: every input of care's API has a bound its OpenAPI document states, so a
value out of bounds is a 422 from the schema, never a database error or a 500. The scanner
(sc_core.request_bounds) names each input without one and its fix."""

from __future__ import annotations

from care.config import Settings
from care.main import create_app
from sc_core.request_bounds import assert_inputs_bounded


def test_every_request_input_has_a_bound() -> None:
    assert_inputs_bounded(create_app(Settings()).openapi())
