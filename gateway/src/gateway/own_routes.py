"""Which paths the gateway serves itself, found without trying every route (ADR 0063)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.routing import Match
from starlette.types import Scope


class OwnRoutes:
    """Whether a path is one of the gateway's own routes. A path that starts with none of
    their literal prefixes (the part of each template before its first parameter) is not
    one, and no route is tried; the others are matched as Starlette matches them. Routes
    added later are seen: the prefixes are taken again when the number of routes changes."""

    def __init__(self, fastapi: FastAPI) -> None:
        self.fastapi = fastapi
        self._count = -1
        self._prefixes: tuple[str, ...] = ()

    def _literal_prefixes(self) -> tuple[str, ...]:
        prefixes: list[str] = []
        pending: list[Any] = list(self.fastapi.router.routes)
        while pending:
            route = pending.pop()
            # a router included with ``include_router`` is one route holding its own
            # (FastAPI's ``_IncludedRouter``): their effective paths are its prefixes
            included = [
                getattr(route, name)()
                for name in ("effective_candidates", "effective_low_priority_routes")
                if callable(getattr(route, name, None))
            ]
            if included:
                pending.extend(r for group in included for r in group)
                continue
            path = getattr(route, "path", None)
            if not isinstance(path, str):
                return ("",)  # a route without a path (a host): any path may be its
            prefixes.append(path.split("{", 1)[0])
        return tuple(sorted(set(prefixes)))

    def __call__(self, scope: Scope) -> bool:
        routes = self.fastapi.router.routes
        if len(routes) != self._count:
            self._prefixes = self._literal_prefixes()
            self._count = len(routes)
        if not scope["path"].startswith(self._prefixes):
            return False
        for route in routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return True
        return False
