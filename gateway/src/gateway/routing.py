"""Which service owns a path, learnt from each service's own OpenAPI document.

Every upstream publishes ``/openapi.json``; each path template there (``/api/v1/work-
orders/{id}``) becomes a route to that service. Nothing is listed twice by hand: a new
endpoint in a service is routed as soon as the gateway refreshes. The same documents
are merged into the gateway's ``/openapi.json``.

A refresh asks with the ``ETag`` of the document it holds, and a document that did not
change (a 304, or the same bytes from a service that sends no ``ETag``) is neither parsed
nor routed again: parsing all eleven and rebuilding the table eleven times took 80-140 ms
of the gateway's event loop every 30 s, and every request in flight waited (ADR 0077).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from sc_core.openapi import BEARER, add_problem_components, problem_ref

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


def _head(path: str) -> str:
    """The first three segments (``/api/v1/work-orders``): the key of a route's bucket."""
    return "/".join(path.split("/", 4)[:4])


class RouteTable:
    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self.overrides = dict(sorted((overrides or {}).items(), key=lambda kv: -len(kv[0])))
        self.routes: list[Route] = []
        self.documents: dict[str, dict[str, Any]] = {}
        # per service: the digest of its document's bytes and the ETag it came with
        self.sources: dict[str, tuple[str, str | None]] = {}
        self.version = 0  # counts the rebuilds: what was made from the documents is stale
        self.prefixes: dict[str, str] = {}
        # the same routes indexed (ADR 0056): a template without parameters by its path; the
        # others by their first three segments, each bucket holding, in the order of
        # ``routes``, its own and those whose first three segments hold a parameter
        self._exact: dict[str, Route] = {}
        self._buckets: dict[str, list[Route]] = {}
        self._anywhere: list[Route] = []

    def load(self, service: str, document: dict[str, Any]) -> None:
        self.load_many({service: document})

    def load_many(self, documents: dict[str, dict[str, Any]]) -> None:
        """Take these services' documents and route them, in one rebuild."""
        self.documents.update(documents)
        self._rebuild()
        self.version += 1

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
        exact: dict[str, Route] = {}
        heads: dict[str, list[Route]] = {}
        anywhere: list[Route] = []
        for route in routes:
            if "{" not in route.template:
                # it has more literal characters than any template with a parameter that
                # matches the same path, so it came first in the scan too
                exact.setdefault(route.template, route)
            elif "{" in _head(route.template):
                anywhere.append(route)
            else:
                heads.setdefault(_head(route.template), []).append(route)
        order = {id(route): n for n, route in enumerate(routes)}
        self._buckets = {
            head: sorted(own + anywhere, key=lambda r: order[id(r)]) for head, own in heads.items()
        }
        self._exact, self._anywhere = exact, anywhere
        self.routes = routes
        self.prefixes = prefixes

    def resolve(self, path: str) -> str | None:
        return self.match(path)[0]

    def match(self, path: str) -> tuple[str | None, str | None]:
        """(the service that owns ``path``, the path template that matched): the template
        is the ``route`` label of the gateway's metrics (a prefix + ``/*`` for an override
        or a prefix match, never the raw path)."""
        for prefix, service in self.overrides.items():
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return service, prefix.rstrip("/") + "/*"
        # the first of ``routes`` whose pattern matches, found without trying all of them
        # (a scan of ~450 patterns cost /api/v1/me more than the rest of the gateway)
        route = self._exact.get(path)
        if route is not None:
            return route.service, route.template
        for route in self._buckets.get(_head(path), self._anywhere):
            if route.pattern.match(path):
                return route.service, route.template
        parts = path.split("/")
        if len(parts) > 3 and parts[1:3] == ["api", "v1"]:
            prefix = f"/api/v1/{parts[3]}"
            if prefix in self.prefixes:
                return self.prefixes[prefix], prefix + "/*"
        return None, None

    def merged_openapi(
        self,
        *,
        title: str,
        version: str,
        server_url: str | None = None,
        is_public: Callable[[str], bool] | None = None,
    ) -> dict[str, Any]:
        """Every upstream's document in one: schemas renamed where two services use one
        name, operationIds kept unique, and what the gateway itself adds: the bearer token
        it checks on every route that is not public (``is_public``), and the answers only
        it gives (429 rate limits, 502/503/504 when an upstream fails)."""
        merged: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {
                "title": title,
                "version": version,
                "description": _INFO,
                "contact": {"name": "smart-community platform team"},
            },
            "paths": {},
            "components": {"schemas": {}},
        }
        if server_url:
            merged["servers"] = [{"url": server_url, "description": "this gateway"}]
        schemas: dict[str, Any] = merged["components"]["schemas"]
        tags: dict[str, str] = {}
        operation_ids: set[str] = set()
        for service, doc in sorted(self.documents.items()):
            doc = copy.deepcopy(doc)
            own = doc.get("components", {}).get("schemas", {})
            clashing = _clashing(schemas, own)
            renames = {
                name: f"{_camel(service)}{name}" if name in clashing else name for name in own
            }
            doc = _rewrite_refs(doc, renames)
            for kind, entries in doc.get("components", {}).items():
                target = merged["components"].setdefault(kind, {})
                for name, entry in entries.items():
                    target.setdefault(name, entry)
            for tag in doc.get("tags", []):
                if isinstance(tag, dict) and "name" in tag:
                    tags.setdefault(tag["name"], tag.get("description") or "")
            for template, item in doc.get("paths", {}).items():
                for method, operation in item.items():
                    if not isinstance(operation, dict) or "responses" not in operation:
                        continue
                    operation.setdefault("tags", [service])
                    for tag in operation["tags"]:
                        tags.setdefault(tag, f"Operations of the {service} service")
                    op_id = operation.get("operationId") or f"{method}_{template}"
                    if op_id in operation_ids:
                        op_id = f"{_camel(service)}_{op_id}"
                    operation["operationId"] = op_id
                    operation_ids.add(op_id)
                    if is_public is None or not is_public(template):
                        operation["security"] = [{BEARER: []}]
                        for status in (401, 403):
                            operation["responses"].setdefault(str(status), problem_ref(status))
                    for status in GATEWAY_STATUSES:
                        operation["responses"].setdefault(str(status), problem_ref(status))
                merged["paths"].setdefault(template, item)
        statuses = {
            int(code)
            for item in merged["paths"].values()
            for op in item.values()
            if isinstance(op, dict)
            for code, answer in op.get("responses", {}).items()
            if code.isdigit() and "$ref" in answer
        }
        add_problem_components(merged, statuses)
        merged["tags"] = [{"name": n, "description": d or n} for n, d in sorted(tags.items())]
        return merged


_INFO = (
    "The platform's HTTP API behind one gateway. Every route but the public ones (login, "
    "keys, device endpoints with their own token) needs an access token "
    "(`Authorization: Bearer <token>` from `POST /api/v1/auth/token`). Every error is "
    "`application/problem+json` with a stable `code` apps localise."
)
GATEWAY_STATUSES = (429, 502, 503, 504)


def _clashing(taken: dict[str, Any], own: dict[str, Any]) -> set[str]:
    """Names of ``own`` that must be renamed: taken by a different schema, or referring to
    one that is renamed (equal schemas, such as the shared Problem, are merged)."""
    clashing = {n for n, s in own.items() if n in taken and taken[n] != s}
    while True:
        more = {
            n
            for n, s in own.items()
            if n in taken and n not in clashing and _refers_to(s, clashing)
        }
        if not more:
            return clashing
        clashing |= more


def _refers_to(node: Any, names: set[str]) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in names:
            return True
        return any(_refers_to(v, names) for v in node.values())
    if isinstance(node, list):
        return any(_refers_to(v, names) for v in node)
    return False


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
    """Load every upstream's OpenAPI into ``table`` (only those that changed, in one
    rebuild); returns the failures by service."""
    changed: dict[str, dict[str, Any]] = {}

    async def one(service: str, base: str) -> tuple[str, str | None]:
        held = table.sources.get(service) if service in table.documents else None
        try:
            response = await client.get(
                f"{base.rstrip('/')}/openapi.json",
                timeout=3.0,
                headers={"If-None-Match": held[1]} if held and held[1] else None,
            )
            if held and response.status_code == 304:
                return service, None
            response.raise_for_status()
            digest = hashlib.sha256(response.content).hexdigest()
            if not held or held[0] != digest:
                changed[service] = response.json()
            table.sources[service] = (digest, response.headers.get("etag"))
            return service, None
        except Exception as exc:
            return service, f"{type(exc).__name__}: {exc}"

    results = await asyncio.gather(*(one(s, b) for s, b in upstreams.items()))
    if changed:
        table.load_many(changed)
    failures = {s: e for s, e in results if e}
    for service, error in failures.items():
        log.warning("gateway: no OpenAPI from %s yet: %s", service, error)
    return failures
