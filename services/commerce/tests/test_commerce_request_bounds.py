"""Issue 30: every input of commerce's API has a bound its OpenAPI document states, so a
value out of bounds is a 422 from the schema, never a database error or a 500. The scanner
(sc_core.request_bounds) names each input without one and its fix."""

from __future__ import annotations

from commerce.config import Settings
from commerce.main import create_app
from sc_core.request_bounds import assert_inputs_bounded

# Inputs found without a bound when the scanner came (issue 30), each to be fixed and taken
# out of this list. Never add to it: give a new input its bound instead.
KNOWN: frozenset[str] = frozenset(
    {
        "PATCH /api/v1/commerce/merchants/{merchant_id} body.category",
        "PATCH /api/v1/commerce/merchants/{merchant_id} body.credit_code",
        "PATCH /api/v1/commerce/merchants/{merchant_id} body.opening_hours[].closes",
        "PATCH /api/v1/commerce/merchants/{merchant_id} body.opening_hours[].days[]",
        "PATCH /api/v1/commerce/merchants/{merchant_id} body.opening_hours[].opens",
        "POST /api/v1/commerce/merchants body.category",
        "POST /api/v1/commerce/merchants body.credit_code",
        "POST /api/v1/commerce/merchants body.opening_hours[].closes",
        "POST /api/v1/commerce/merchants body.opening_hours[].days[]",
        "POST /api/v1/commerce/merchants body.opening_hours[].opens",
        "POST /api/v1/commerce/recycling/drop-offs body.category",
        "POST /api/v1/commerce/service-points/{point_id}/bookings body.preferred_at",
        "POST /api/v1/commerce/shops/{shop_id}/offers body.valid_from",
        "POST /api/v1/commerce/shops/{shop_id}/offers body.valid_to",
    }
)


def test_every_request_input_has_a_bound() -> None:
    assert_inputs_bounded(create_app(Settings()).openapi(), KNOWN)
