"""The full security fuzz (issue 30, `make test-security`): schemathesis over the gateway's
merged OpenAPI with SC_FUZZ_EXAMPLES (1,000) generated inputs per operation, as
platform_admin and as resident; no answer may be a server error.

Hours of requests: not part of `make test` (skipped unless SC_SECURITY_FUZZ=1; CI keeps
the small budget of test_e2e_identity_through_gateway's fuzz). Run:
``flock /work/.heavy.lock make test-security``.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from conftest import DEMO_PASSWORD
from hypothesis import HealthCheck, given, settings

from e2e_kit import FuzzSession

pytestmark = pytest.mark.skipif(
    os.environ.get("SC_SECURITY_FUZZ") != "1", reason="make test-security runs it"
)
EXAMPLES = int(os.environ.get("SC_FUZZ_EXAMPLES", "1000"))


@pytest.mark.parametrize("username", ["platform_admin", "resident"])
def test_merged_openapi_full_fuzz_has_no_server_errors(gateway_url: str, username: str) -> None:
    session = FuzzSession(gateway_url, username, DEMO_PASSWORD)
    schema = schemathesis.openapi.from_url(f"{gateway_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40, "the gateway merged the services' documents"
    failures: list[str] = []
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = session.call(case)
            if response.status_code >= 500:
                failures.append(
                    f"{username}: {case.method} {case.formatted_path} -> "
                    f"{response.status_code}: {response.text[:200]}"
                )

        call()
    assert failures == []
