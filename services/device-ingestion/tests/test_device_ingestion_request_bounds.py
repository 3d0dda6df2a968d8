"""Issue 30: every input of device-ingestion's API has a bound its OpenAPI document states, so a
value out of bounds is a 422 from the schema, never a database error or a 500. The scanner
(sc_core.request_bounds) names each input without one and its fix."""

from __future__ import annotations

from device_ingestion.config import Settings
from device_ingestion.main import create_app

from sc_core.request_bounds import assert_inputs_bounded

# Inputs found without a bound when the scanner came (issue 30), each to be fixed and taken
# out of this list. Never add to it: give a new input its bound instead.
KNOWN: frozenset[str] = frozenset(
    {
        "GET /api/v1/devices query:building_id",
        "GET /api/v1/devices query:community_id",
        "GET /api/v1/devices query:device_type",
        "GET /api/v1/devices query:household_id",
        "GET /api/v1/devices query:unit_id",
        "GET /api/v1/devices/{device_id}/latest query:keys",
        "GET /api/v1/devices/{device_id}/telemetry query:from",
        "GET /api/v1/devices/{device_id}/telemetry query:keys",
        "GET /api/v1/devices/{device_id}/telemetry query:to",
        "GET /api/v1/firmware query:community_id",
        "GET /api/v1/firmware query:device_type",
        "GET /api/v1/{device_token}/attributes path:device_token",
        "GET /api/v1/{device_token}/attributes query:clientKeys",
        "GET /api/v1/{device_token}/attributes query:sharedKeys",
        "GET /api/v1/{device_token}/attributes/updates path:device_token",
        "GET /api/v1/{device_token}/firmware path:device_token",
        "GET /api/v1/{device_token}/rpc path:device_token",
        "PATCH /api/v1/devices/{device_id} body.shared_attributes",
        "POST /api/v1/devices/{device_id}/commands body.params",
        "POST /api/v1/{device_token}/attributes path:device_token",
        "POST /api/v1/{device_token}/claim path:device_token",
        "POST /api/v1/{device_token}/rpc path:device_token",
        "POST /api/v1/{device_token}/rpc/{rpc_id} path:device_token",
        "POST /api/v1/{device_token}/telemetry path:device_token",
        "POST /api/v1/{device_token}/telemetry/batch path:device_token",
    }
)


def test_every_request_input_has_a_bound() -> None:
    assert_inputs_bounded(create_app(Settings()).openapi(), KNOWN)
