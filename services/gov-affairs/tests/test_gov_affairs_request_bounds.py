"""Issue 30: every input of gov-affairs's API has a bound its OpenAPI document states, so a
value out of bounds is a 422 from the schema, never a database error or a 500. The scanner
(sc_core.request_bounds) names each input without one and its fix."""

from __future__ import annotations

from gov_affairs.config import Settings
from gov_affairs.main import create_app
from sc_core.request_bounds import assert_inputs_bounded

# Inputs found without a bound when the scanner came (issue 30), each to be fixed and taken
# out of this list. Never add to it: give a new input its bound instead.
KNOWN: frozenset[str] = frozenset(
    {
        "GET /api/v1/certificates/verify/{code} path:code",
        "POST /api/v1/activities body.ends_at",
        "POST /api/v1/activities body.starts_at",
        "POST /api/v1/exchange/agreements body.valid_from",
        "POST /api/v1/exchange/agreements body.valid_to",
        "POST /api/v1/hall/applications body.data",
        "POST /api/v1/hall/applications body.materials",
        "POST /api/v1/hall/applications body.materials.*[]",
        "POST /api/v1/hall/applications/{application_id}/materials body.files[]",
        "POST /api/v1/hall/applications/{application_id}/resubmit body.data",
        "POST /api/v1/hall/applications/{application_id}/{action} body.materials[]",
        "POST /api/v1/notices body.expires_at",
        "POST /api/v1/notices body.pinned_until",
        "POST /api/v1/polls body.closes_at",
        "POST /api/v1/polls body.opens_at",
        "POST /api/v1/votes body.closes_at",
        "POST /api/v1/votes body.opens_at",
    }
)


def test_every_request_input_has_a_bound() -> None:
    assert_inputs_bounded(create_app(Settings()).openapi(), KNOWN)
