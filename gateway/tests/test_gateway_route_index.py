"""The route table's index (ADR 0056) finds what a scan of every pattern found: the most
specific template first, a parameter at the head (a device's token) still matched, the
prefix fallback and the overrides unchanged."""

from __future__ import annotations

import re

from gateway.routing import RouteTable


def _doc(*paths: str) -> dict[str, object]:
    return {"paths": {p: {"get": {}} for p in paths}}


def _table() -> RouteTable:
    table = RouteTable({"/api/v1/legacy": "care"})
    table.load(
        "identity", _doc("/api/v1/me", "/api/v1/me/{part}", "/api/v1/users/{user_id}", "/healthz")
    )
    table.load(
        "work-orders",
        _doc(
            "/api/v1/work-orders",
            "/api/v1/work-orders/inbox",
            "/api/v1/work-orders/{work_order_id}",
            "/api/v1/work-orders/{work_order_id}/{action}",
            "/open311/v2/requests.json",
            "/open311/v2/requests/{request_id}.json",
        ),
    )
    table.load(
        "device-ingestion",
        _doc(
            "/api/v1/{device_token}/telemetry",
            "/api/v1/{device_token}/rpc/{rpc_id}",
            "/api/v1/devices/{device_id}",
            "/api/v1/files/{name:path}",
        ),
    )
    return table


def _scan(table: RouteTable, path: str) -> tuple[str | None, str | None]:
    """What match answered before the index: every pattern tried in order."""
    for prefix, service in table.overrides.items():
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return service, prefix.rstrip("/") + "/*"
    for route in table.routes:
        if route.pattern.match(path):
            return route.service, route.template
    parts = path.split("/")
    if len(parts) > 3 and parts[1:3] == ["api", "v1"]:
        prefix = f"/api/v1/{parts[3]}"
        if prefix in table.prefixes:
            return table.prefixes[prefix], prefix + "/*"
    return None, None


def test_the_most_specific_template_wins_as_before() -> None:
    table = _table()
    assert table.match("/api/v1/me") == ("identity", "/api/v1/me")
    assert table.match("/api/v1/work-orders/inbox") == ("work-orders", "/api/v1/work-orders/inbox")
    assert table.match("/api/v1/work-orders/42") == (
        "work-orders",
        "/api/v1/work-orders/{work_order_id}",
    )
    # a device's token where a resource's name would be
    assert table.match("/api/v1/tok-1/telemetry") == (
        "device-ingestion",
        "/api/v1/{device_token}/telemetry",
    )
    # more literal characters win, wherever the parameter is
    assert table.match("/api/v1/me/telemetry") == (
        "device-ingestion",
        "/api/v1/{device_token}/telemetry",
    )
    assert table.match("/api/v1/me/photo") == ("identity", "/api/v1/me/{part}")
    assert table.match("/api/v1/files/a/b.pdf") == ("device-ingestion", "/api/v1/files/{name:path}")
    assert table.match("/api/v1/work-orders/42/a/b") == ("work-orders", "/api/v1/work-orders/*")
    assert table.match("/api/v1/legacy/x") == ("care", "/api/v1/legacy/*")
    assert table.match("/api/v2/me") == (None, None)


def test_the_index_agrees_with_a_scan_of_every_pattern() -> None:
    table = _table()
    paths = ["/", "/api", "/api/v1", "/api/v1/", "/healthz/x", "/api/v1/nothing/at/all"]
    for route in table.routes:
        for fill in ("x", "42", "a/b", "me", "telemetry", "work-orders"):
            path = re.sub(r"\{[^}]+\}", fill, route.template)
            paths += [path, path + "/more", path.rsplit("/", 1)[0]]
    assert len(paths) > 100
    for path in paths:
        assert table.match(path) == _scan(table, path), path
