"""Issue 30: every input of care's API has a bound its OpenAPI document states, so a
value out of bounds is a 422 from the schema, never a database error or a 500. The scanner
(sc_core.request_bounds) names each input without one and its fix."""

from __future__ import annotations

from care.config import Settings
from care.main import create_app
from sc_core.request_bounds import assert_inputs_bounded

# Inputs found without a bound when the scanner came (issue 30), each to be fixed and taken
# out of this list. Never add to it: give a new input its bound instead.
KNOWN: frozenset[str] = frozenset(
    {
        "DELETE /api/v1/care/people/{person_id}/grants/{grant_id} path:grant_id",
        "DELETE /api/v1/care/people/{person_id}/grants/{grant_id} path:person_id",
        "GET /api/v1/care/people/{person_id} path:person_id",
        "GET /api/v1/care/people/{person_id}/assessments path:person_id",
        "GET /api/v1/care/people/{person_id}/assessments/trend path:person_id",
        "GET /api/v1/care/people/{person_id}/fhir path:person_id",
        "GET /api/v1/care/people/{person_id}/vitals path:person_id",
        "GET /api/v1/care/questionnaires/{code} path:code",
        "GET /api/v1/care/questionnaires/{code}/fhir path:code",
        "GET /api/v1/care/slots query:from",
        "GET /api/v1/care/slots query:to",
        "POST /api/v1/care/children/{child_id}/video-grants body.end",
        "POST /api/v1/care/children/{child_id}/video-grants body.start",
        "POST /api/v1/care/people body.birth_date",
        "POST /api/v1/care/people body.guardians[]",
        "POST /api/v1/care/people/{person_id}/assessments path:person_id",
        "POST /api/v1/care/people/{person_id}/devices path:person_id",
        "POST /api/v1/care/people/{person_id}/grants body.valid_until",
        "POST /api/v1/care/people/{person_id}/grants path:person_id",
        "POST /api/v1/care/people/{person_id}/visits body.due",
        "POST /api/v1/care/people/{person_id}/vitals body.measured_at",
        "POST /api/v1/care/people/{person_id}/vitals body.values.*",
        "POST /api/v1/care/people/{person_id}/vitals path:person_id",
        "POST /api/v1/care/people/{person_id}/watch path:person_id",
        "POST /api/v1/care/slots body.end",
        "POST /api/v1/care/slots body.start",
        "PUT /api/v1/care/people/{person_id}/safe-zone body.geometry.points[][]",
        "PUT /api/v1/care/people/{person_id}/thresholds body.ranges",
        "PUT /api/v1/care/people/{person_id}/thresholds body.ranges.*[]",
        "PUT /api/v1/care/people/{person_id}/thresholds path:person_id",
    }
)


def test_every_request_input_has_a_bound() -> None:
    assert_inputs_bounded(create_app(Settings()).openapi(), KNOWN)
