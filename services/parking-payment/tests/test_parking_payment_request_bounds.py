"""Issue 30: every input of parking-payment's API has a bound its OpenAPI document states, so a
value out of bounds is a 422 from the schema, never a database error or a 500. The scanner
(sc_core.request_bounds) names each input without one and its fix."""

from __future__ import annotations

from parking_payment.config import Settings
from parking_payment.main import create_app
from sc_core.request_bounds import assert_inputs_bounded

# Inputs found without a bound when the scanner came (issue 30), each to be fixed and taken
# out of this list. Never add to it: give a new input its bound instead.
KNOWN: frozenset[str] = frozenset(
    {
        "GET /api/v1/parking/passages query:end",
        "GET /api/v1/parking/passages query:start",
        "GET /api/v1/payments/reconciliations/{provider}/{day} path:day",
        "GET /api/v1/property-bills/collection query:community_id",
        "POST /api/v1/parking/anpr/{token}/alarm-info-plate path:token",
        "POST /api/v1/parking/anpr/{token}/isapi path:token",
        "POST /api/v1/parking/visitor-passes body.valid_from",
        "POST /api/v1/parking/visitor-passes body.valid_until",
        "POST /api/v1/payments/orders header:Idempotency-Key",
        "POST /api/v1/payments/reconciliations/{provider}/{day} path:day",
        "POST /api/v1/property-bills/fee-items body.tiers[]",
        "POST /api/v1/property-bills/fee-items body.tiers[].*",
        "POST /api/v1/property-bills/fee-items body.unit_price",
        "POST /api/v1/property-bills/generate body.due",
        "PUT /api/v1/parking/vehicles/{vehicle_id}/pass body.valid_from",
        "PUT /api/v1/parking/vehicles/{vehicle_id}/pass body.valid_until",
        "PUT /api/v1/property-bills/rooms/{room_id} body.area_m2",
        "PUT /api/v1/property-bills/rooms/{room_id} path:room_id",
    }
)


def test_every_request_input_has_a_bound() -> None:
    assert_inputs_bounded(create_app(Settings()).openapi(), KNOWN)
