"""Which service owns a path, learnt from each service's own OpenAPI document.

Every upstream publishes ``/openapi.json``; each path template there (``/api/v1/work-
orders/{id}``) becomes a route to that service. Nothing is listed twice by hand: a new
endpoint in a service is routed as soon as the gateway refreshes. The same documents
are merged into the gateway's ``/openapi.json``.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)
_PARAM = re.compile(r"\{([^}:]+)(:path)?\}")


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    service: str
    literal_length: int


def compile_template(template: str) -> re.Pattern[str]:
    out, pos = "", 0
    for match in _PARAM.finditer(template):
        out += re.escape(template[pos : match.start()])
        out += ".+" if match.group(2) else "[^/]+"
        pos = match.end()
    out += re.escape(template[pos:])
    return re.compile(f"^{out}$")


def _literal_length(template: str) -> int:
    return len(_PARAM.sub("", template))


class RouteTable:
    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self.overrides = dict(sorted((overrides or {}).items(), key=lambda kv: -len(kv[0])))
        self.routes: list[Route] = []
        self.documents: dict[str, dict[str, Any]] = {}
        self.prefixes: dict[str, str] = {}

    def load(self, service: str, document: dict[str, Any]) -> None:
        self.documents[service] = document
        self._rebuild()

    def _rebuild(self) -> None:
        routes: list[Route] = []
        prefixes: dict[str, str] = {}
        for service, doc in sorted(self.documents.items()):
            for template in doc.get("paths", {}):
                routes.append(
                    Route(template, compile_template(template), service, _literal_length(template))
                )
                parts = template.split("/")
                if len(parts) > 3 and parts[1:3] == ["api", "v1"] and "{" not in parts[3]:
                    prefixes.setdefault(f"/api/v1/{parts[3]}", service)
        # most specific first: more literal characters win over parameters
        routes.sort(key=lambda r: (-r.literal_length, r.template))
        self.routes = routes
        self.prefixes = prefixes

    def resolve(self, path: str) -> str | None:
        for prefix, service in self.overrides.items():
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return service
        for route in self.routes:
            if route.pattern.match(path):
                return route.service
        parts = path.split("/")
        if len(parts) > 3 and parts[1:3] == ["api", "v1"]:
            return self.prefixes.get(f"/api/v1/{parts[3]}")
        return None

    def merged_openapi(self, *, title: str, version: str) -> dict[str, Any]:
        merged: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {"title": title, "version": version},
            "paths": {},
            "components": {"schemas": {}},
        }
        schemas: dict[str, Any] = merged["components"]["schemas"]
        for service, doc in sorted(self.documents.items()):
            doc = copy.deepcopy(doc)
            own = doc.get("components", {}).get("schemas", {})
            renames = {
                name: (f"{_camel(service)}{name}" if name in schemas else name) for name in own
            }
            doc = _rewrite_refs(doc, renames)
            for name, schema in doc.get("components", {}).get("schemas", {}).items():
                schemas[name] = schema
            for template, item in doc.get("paths", {}).items():
                for operation in item.values():
                    if isinstance(operation, dict) and "responses" in operation:
                        operation.setdefault("tags", [service])
                merged["paths"].setdefault(template, item)
        return merged


def _camel(name: str) -> str:
    return "".join(p.capitalize() for p in re.split(r"[-_]", name))


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if (
                key == "$ref"
                and isinstance(value, str)
                and value.startswith("#/components/schemas/")
            ):
                name = value.rsplit("/", 1)[1]
                out[key] = f"#/components/schemas/{renames.get(name, name)}"
            elif key == "schemas" and isinstance(value, dict) and set(value) <= set(renames):
                out[key] = {renames[k]: _rewrite_refs(v, renames) for k, v in value.items()}
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node


async def fetch_documents(
    client: httpx.AsyncClient, upstreams: dict[str, str], table: RouteTable
) -> dict[str, str]:
    """Load every upstream's OpenAPI into ``table``; returns the failures by service."""

    async def one(service: str, base: str) -> tuple[str, str | None]:
        try:
            response = await client.get(f"{base.rstrip('/')}/openapi.json", timeout=3.0)
            response.raise_for_status()
            table.load(service, response.json())
            return service, None
        except Exception as exc:
            return service, f"{type(exc).__name__}: {exc}"

    results = await asyncio.gather(*(one(s, b) for s, b in upstreams.items()))
    failures = {s: e for s, e in results if e}
    for service, error in failures.items():
        log.warning("gateway: no OpenAPI from %s yet: %s", service, error)
    return failures
