"""Every route's dependencies, in every service and the gateway, are ``async def``.

FastAPI runs a plain ``def`` dependency in the thread pool: a hand-off to a worker thread
and back for every call, on every request (ADR 0017 measured it with the middleware it
came with; ADR 0054 found three services' use-case getters still plain functions). The
apps are built as ``make contracts`` builds them (nothing starts) and each route's
dependency tree is walked, so a new plain ``def`` getter fails here, naming its route.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import os
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from sc_devstack.discover import discover_services, repo_root


def _is_async(call: Any) -> bool:
    if inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call):
        return True
    dunder = getattr(call, "__call__", None)  # noqa: B004 - a class instance as dependency
    return not inspect.isfunction(call) and (
        inspect.iscoroutinefunction(dunder) or inspect.isasyncgenfunction(dunder)
    )


def _sync_calls(dependant: Dependant) -> set[str]:
    found: set[str] = set()
    for sub in dependant.dependencies:
        if sub.call is not None and not _is_async(sub.call):
            found.add(f"{sub.call.__module__}.{getattr(sub.call, '__qualname__', sub.call)}")
        found |= _sync_calls(sub)
    return found


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """The app's routes, those of included routers too (FastAPI keeps an included router
    as one entry holding the ``original_router``)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif (included := getattr(route, "original_router", None)) is not None:
            found.extend(_api_routes(included.routes))
    return found


def _apps() -> dict[str, Any]:
    os.environ.setdefault("ENVIRONMENT", "dev")
    apps: dict[str, Any] = {}
    for info in discover_services(repo_root()):
        main = importlib.import_module(f"{info.package}.main")
        config = importlib.import_module(f"{info.package}.config")
        with contextlib.redirect_stdout(io.StringIO()):
            apps[info.name] = main.create_app(config.Settings())
    from gateway.app import create_app
    from gateway.config import GatewaySettings

    apps["gateway"] = create_app(GatewaySettings())
    return apps


def test_route_rules_no_dependency_is_a_plain_def() -> None:
    offenders: dict[str, set[str]] = {}
    routes = 0
    for name, app in _apps().items():
        for route in _api_routes(app.routes):
            routes += 1
            for call in _sync_calls(route.dependant):
                offenders.setdefault(call, set()).add(f"{name} {route.path}")
    assert routes > 500, routes  # every service's routes were walked
    listed = [f"{call} (e.g. {sorted(routes)[0]})" for call, routes in sorted(offenders.items())]
    assert not listed, "dependencies run in the thread pool:\n" + "\n".join(listed)
