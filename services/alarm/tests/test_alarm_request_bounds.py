"""Issue 30: every input of alarm's API has a bound its OpenAPI document states, so a
value out of bounds is a 422 from the schema, never a database error or a 500. The scanner
(sc_core.request_bounds) names each input without one and its fix."""

from __future__ import annotations

from alarm.config import Settings
from alarm.main import create_app
from sc_core.request_bounds import assert_inputs_bounded

# Inputs found without a bound when the scanner came (issue 30), each to be fixed and taken
# out of this list. Never add to it: give a new input its bound instead.
KNOWN: frozenset[str] = frozenset()


def test_every_request_input_has_a_bound() -> None:
    assert_inputs_bounded(create_app(Settings()).openapi(), KNOWN)
