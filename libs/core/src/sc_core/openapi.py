"""The OpenAPI document of a service, made fit for SDK generators and API gateways.

FastAPI's own document names operations after the function, the path and the method
(``create_rule_api_v1_alarm_rules_post``), documents only a 422 as ``application/json``,
declares no security and no tags. Everything here happens once, for every service:

- ``operation_id``: the ``generate_unique_id_function`` of every service app: the
  router's resource (its first tag) and the function name, camelCase, joined by ``_``
  (``alarmRules_createRule``). Generated clients name their functions after it (the
  console's TypeScript client does), so it must stay stable: renaming a route function
  or a router's first tag renames the client function.
- ``enrich``: the document after FastAPI built it: a bearer security scheme and, per
  operation, the security it needs (read from its dependencies: ``get_principal`` →
  required, ``optional_principal`` → optional, none → public); every problem answer the
  runtime can give (``application/problem+json``, one shared response per status with the
  stable codes as examples); tags with descriptions (the router module's docstring); an
  example on every JSON request body (built from its schema when the model has none);
  a description on every operation (its docstring, else its summary and the roles it
  needs).

The gateway merges these documents (``gateway.routing``) and adds what only it answers
(429, 502, 504) and its ``servers``. It asks each service for its document again every
30 s: ``/openapi.json`` is written once and carries an ``ETag``, so a document that did not
change is a 304 with no body, neither serialised by the service nor parsed by the gateway
(``document_response``, ADR 0077).
"""

from __future__ import annotations

import copy
import inspect
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sc_core.caching import document_response, etag_of
from sc_core.errors import PROBLEM_MEDIA_TYPE

log = logging.getLogger(__name__)

BEARER = "bearerAuth"
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

# The stable codes each status carries, whatever the service (a service adds its own, e.g.
# ``alarm.not_found``; those follow the pattern ``<resource>.<reason>``).
PROBLEM_CODES: dict[int, tuple[str, list[tuple[str, str]]]] = {
    400: (
        "The request cannot be read",
        [
            ("request.malformed_json", "The request body is not valid JSON"),
            ("request.too_deep", "The JSON body nests deeper than 32 levels"),
            ("request.bad_request", "The request is malformed"),
        ],
    ),
    401: (
        "No valid access token (send `Authorization: Bearer <token>`)",
        [
            ("auth.unauthenticated", "This request needs a bearer token"),
            ("auth.invalid_token", "The token cannot be verified"),
            ("auth.token_expired", "The token has expired"),
        ],
    ),
    403: (
        "The caller's roles or scope do not allow this",
        [
            ("auth.forbidden", "This action needs one of the roles: community_admin"),
            ("auth.out_of_scope", "This object is outside the caller's scope"),
        ],
    ),
    404: (
        "Nothing with this id in the caller's scope (`http.not_found`, or `<resource>.not_found`)",
        [("http.not_found", "Resource not found")],
    ),
    409: (
        "The request conflicts with the current state (`request.conflict`, or the "
        "resource's own code such as `<resource>.already_exists` or `<resource>.invalid_state`)",
        [("request.conflict", "The request conflicts with the current state")],
    ),
    413: (
        "The request body is too large",
        [("request.too_large", "The request body exceeds 12582912 bytes")],
    ),
    422: (
        "Fields are invalid: `errors` lists every field with its reason",
        [
            ("request.validation_failed", "The request has invalid fields"),
            ("request.invalid_value", "A value is out of range or malformed"),
            ("request.invalid_characters", "A value holds a character that cannot be stored"),
            (
                "request.unknown_parameter",
                "This list does not accept the query parameter standard_code; it accepts: "
                "community_id, cursor, limit, offset",
            ),
        ],
    ),
    429: (
        "Too many requests: wait for `Retry-After` seconds",
        [("request.rate_limited", "Too many requests from this caller; try again in 1 s")],
    ),
    502: (
        "The service behind the gateway cannot be reached",
        [("upstream.unavailable", "The alarm service cannot be reached")],
    ),
    503: (
        "Temporarily unavailable: try again after `Retry-After` seconds",
        [
            ("service.database_unavailable", "The service's database is not reachable"),
            ("auth.jwks_unavailable", "Token keys cannot be fetched from identity"),
            ("upstream.circuit_open", "The alarm service is failing; try again shortly"),
            ("gateway.busy", "The gateway has too many requests in flight"),
        ],
    ),
    504: (
        "The service behind the gateway did not answer in time",
        [("upstream.timeout", "The alarm service did not answer in time")],
    ),
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": (
        "RFC 9457 problem details. `code` is stable: apps localise it; `detail` is a "
        "human message in English."
    ),
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string", "description": "`urn:smart-community:problem:<code>`"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string", "pattern": r"^[a-z0-9_]+(\.[a-z0-9_]+)+$"},
        "instance": {"type": "string", "description": "The request path"},
        "errors": {
            "type": "array",
            "description": "One entry per invalid field (422 and 400)",
            "items": {"$ref": "#/components/schemas/ProblemFieldError"},
        },
    },
    "additionalProperties": True,
}
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ProblemFieldError",
    "type": "object",
    "required": ["field", "message"],
    "properties": {
        "field": {"type": "string", "examples": ["body.name"]},
        "message": {"type": "string", "description": "In the reader's language"},
        "messages": {
            "type": "object",
            "description": "The message in zh-CN and en",
            "properties": {"zh-CN": {"type": "string"}, "en": {"type": "string"}},
        },
        "type": {"type": "string", "examples": ["string_too_short"]},
        "allowed": {
            "type": "array",
            "items": {"type": "string"},
            "description": (
                "The machine values a choice field takes (enum and literal errors only); "
                "the message names them in words, never as codes"
            ),
        },
    },
}


def _camel(text: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]
    if not words:
        return "op"
    first, rest = words[0], words[1:]
    return first[0].lower() + first[1:] + "".join(w[0].upper() + w[1:] for w in rest)


def resource_name(route: APIRoute) -> str:
    """The router's resource: its first tag, else the first literal path segment after
    ``/api/v1``."""
    if route.tags:
        return str(route.tags[0])
    parts = [p for p in route.path_format.split("/") if p and not p.startswith("{")]
    if parts[:2] == ["api", "v1"]:
        parts = parts[2:]
    return parts[0] if parts else "root"


def operation_id(route: APIRoute) -> str:
    """``<resource>_<function>`` in camelCase, e.g. ``alarmRules_createRule``."""
    return f"{_camel(resource_name(route))}_{_camel(route.name)}"


def problem_response(status: int) -> dict[str, Any]:
    summary, codes = PROBLEM_CODES[status]
    codes_text = ", ".join(f"`{c}`" for c, _ in codes)
    examples: dict[str, dict[str, Any]] = {
        code.replace(".", "_"): {
            "summary": code,
            "value": {
                "type": f"urn:smart-community:problem:{code}",
                "title": _phrase(status),
                "status": status,
                "detail": detail,
                "code": code,
            },
        }
        for code, detail in codes
    }
    if status == 422:
        first = next(iter(examples.values()))["value"]
        first["errors"] = [
            {
                "field": "body.name",
                "message": "必须填写",
                "messages": {"zh-CN": "必须填写", "en": "Field required"},
                "type": "missing",
            },
        ]
    response: dict[str, Any] = {
        "description": f"{summary}. Codes: {codes_text}.",
        "content": {
            PROBLEM_MEDIA_TYPE: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "examples": examples,
            }
        },
    }
    if status in (429, 503):
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again",
                "schema": {"type": "integer", "minimum": 0},
            }
        }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": "`Bearer realm=...` with the error",
                "schema": {"type": "string"},
            }
        }
    return response


def _phrase(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


def problem_ref(status: int) -> dict[str, str]:
    return {"$ref": f"#/components/responses/Problem{status}"}


def add_problem_components(doc: dict[str, Any], statuses: Iterable[int]) -> None:
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    schemas["ProblemFieldError"] = copy.deepcopy(FIELD_ERROR_SCHEMA)
    responses = components.setdefault("responses", {})
    for status in sorted(set(statuses)):
        responses[f"Problem{status}"] = problem_response(status)
    components.setdefault("securitySchemes", {})[BEARER] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": (
            "An access token from `POST /api/v1/auth/token` (identity), EdDSA-signed, "
            "verified against `/.well-known/jwks.json`"
        ),
    }


# --------------------------------------------------------------------------- routes


def _walk(dependant: Dependant) -> Iterable[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _walk(dep)


def route_security(route: APIRoute) -> tuple[str, list[str]]:
    """("required" | "optional" | "public", roles) from the route's dependencies."""
    from sc_core.auth.deps import get_principal, optional_principal

    calls = list(_walk(route.dependant))
    roles: list[str] = []
    for call in calls:
        roles.extend(getattr(call, "required_roles", ()))
    if get_principal in calls:
        return "required", sorted(set(roles))
    if optional_principal in calls:
        return "optional", sorted(set(roles))
    return "public", []


def _module_summary(route: APIRoute) -> str | None:
    module = sys.modules.get(getattr(route.endpoint, "__module__", ""))
    doc = inspect.getdoc(module) if module is not None else None
    if not doc:
        return None
    paragraph = doc.strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


# --------------------------------------------------------------------------- examples


def example_for(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """A value that satisfies ``schema`` as far as a simple walk can tell (required fields
    only, bounds and formats respected); the model's own example wins where it has one."""
    if depth > 12:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return example_for(components.get(name, {}), components, depth + 1)
    for key in ("example", "default", "const"):
        if key in schema and schema[key] is not None:
            return copy.deepcopy(schema[key])
    if schema.get("examples"):
        examples = schema["examples"]
        return copy.deepcopy(examples[0] if isinstance(examples, list) else examples)
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return example_for(options[0], components, depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_for(part, components, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
            else:
                return value
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        out = {}
        for name in schema.get("required", []):
            if name in props:
                out[name] = example_for(props[name], components, depth + 1)
        if not out and props:  # nothing required: show the first field
            name = next(iter(props))
            out[name] = example_for(props[name], components, depth + 1)
        return out
    if kind == "array":
        item = example_for(schema.get("items", {}), components, depth + 1)
        return [item] * max(1, int(schema.get("minItems", 1)))
    if kind == "integer":
        return _number(schema, 1)
    if kind == "number":
        return _number(schema, 1.5)
    if kind == "boolean":
        return True
    return _string(schema)


def _number(schema: dict[str, Any], default: float) -> Any:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    value = default
    if low is not None and value <= low:
        value = low + (1 if "exclusiveMinimum" in schema else 0)
    if high is not None and value >= high:
        value = high - (1 if "exclusiveMaximum" in schema else 0)
    return int(value) if isinstance(default, int) else value


_FORMATS = {
    "date-time": "2026-01-15T08:30:00+08:00",
    "date": "2026-01-15",
    "time": "08:30:00",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "resident@example.com",
    "uri": "https://example.com/",
    "binary": "",
    "duration": "PT5M",
    "ipv4": "192.0.2.10",
}


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt in _FORMATS:
        return _FORMATS[fmt]
    pattern = schema.get("pattern")
    candidates = ["example", "DEMO-001", "k1", "smoke", "a", "A1", "1", "zh-CN", "+8613812345678"]
    if pattern:
        for value in candidates:
            if re.search(pattern, value):
                return _fit(value, schema)
        return _fit("example", schema)
    return _fit("example", schema)


def _fit(value: str, schema: dict[str, Any]) -> str:
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    while len(value) < low:
        value += value
    if high is not None:
        value = value[: int(high)]
    return value


def _has_example(media: dict[str, Any], components: dict[str, Any]) -> bool:
    if "example" in media or "examples" in media:
        return True
    schema = media.get("schema", {})
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[1], {})
    return "example" in schema or bool(schema.get("examples"))


# --------------------------------------------------------------------------- enrich


def _api_routes(app: FastAPI) -> list[Any]:
    """Every API route of ``app`` with its router's prefix and tags applied (FastAPI
    includes routers lazily since 0.160: ``app.routes`` holds the routers, not routes)."""
    from fastapi import routing

    iterate = getattr(routing, "iter_route_contexts", None)
    if iterate is None:
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [c for c in iterate(app.routes) if isinstance(c.original_route, APIRoute)]


def enrich(app: FastAPI, doc: dict[str, Any]) -> dict[str, Any]:
    """Add security, problem answers, tags, examples and descriptions to ``doc``."""
    routes = {
        (route.path_format, method.lower()): route
        for route in _api_routes(app)
        if route.include_in_schema
        for method in route.methods
    }
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    used_statuses: set[int] = set()
    tags: dict[str, str | None] = {}
    seen_ids: set[str] = set()
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            route = routes.get((path, method))
            access, roles = route_security(route) if route is not None else ("public", [])
            statuses = _statuses(path, method, operation, access)
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            _own_problems_as_problem_json(responses)
            for status in statuses:
                responses.setdefault(str(status), problem_ref(status))
            used_statuses.update(statuses)
            if access == "required":
                operation["security"] = [{BEARER: []}]
            elif access == "optional":
                operation["security"] = [{BEARER: []}, {}]
            else:
                operation["security"] = []
            if roles:
                operation["x-required-roles"] = roles
            if not operation.get("description"):
                operation["description"] = _description(operation, access, roles)
            _example_on_body(operation, schemas)
            for tag in operation.get("tags", []):
                if tags.get(tag) is None:
                    tags[tag] = _module_summary(route) if route is not None else None
            op_id = operation.get("operationId")
            if op_id in seen_ids:
                operation["operationId"] = f"{op_id}_{method}"
                log.warning("openapi: duplicate operationId %s on %s %s", op_id, method, path)
            seen_ids.add(operation["operationId"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in schemas and f'"#/components/schemas/{unused}"' not in _text(doc, unused):
            schemas.pop(unused)
    add_problem_components(doc, used_statuses)
    doc["tags"] = [
        {"name": name, "description": text or f"Operations on {name}"}
        for name, text in sorted(tags.items())
    ]
    return doc


def _text(doc: dict[str, Any], skip: str) -> str:
    import json

    trimmed = {**doc, "components": {**doc.get("components", {})}}
    trimmed["components"]["schemas"] = {
        k: v for k, v in doc.get("components", {}).get("schemas", {}).items() if k != skip
    }
    return json.dumps(trimmed)


def _own_problems_as_problem_json(responses: dict[str, Any]) -> None:
    """A route's own error answers (``responses={409: {"description": "`case.closed`: ..."}}``
    to name its codes) are problem+json like every other."""
    for status, answer in responses.items():
        if status[:1] in ("4", "5") and "$ref" not in answer:
            answer["content"] = {
                PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }


def _statuses(path: str, method: str, operation: dict[str, Any], access: str) -> list[int]:
    statuses = [503]
    has_input = bool(operation.get("parameters")) or "requestBody" in operation
    if has_input:
        statuses.append(422)
    if "requestBody" in operation:
        statuses += [400, 413]
    if access != "public":
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if method in WRITE_METHODS and access != "public":
        statuses.append(409)
    return sorted(statuses)


def _description(operation: dict[str, Any], access: str, roles: list[str]) -> str:
    summary = operation.get("summary") or operation.get("operationId", "")
    who = {
        "required": "Needs an access token",
        "optional": "Works without an access token; a valid one widens the answer",
        "public": "Needs no access token",
    }[access]
    if roles:
        who += " and one of the roles " + ", ".join(f"`{r}`" for r in roles)
    return f"{summary}. {who}."


def _example_on_body(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    content = operation.get("requestBody", {}).get("content", {})
    for media_type, media in content.items():
        if "json" not in media_type or _has_example(media, schemas):
            continue
        media["example"] = example_for(media.get("schema", {}), schemas)


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the enriched document (built once, then cached)."""
    build = app.openapi

    enriched: list[int] = []

    def openapi() -> dict[str, Any]:
        doc = build()  # FastAPI's, cached until a route is added
        if id(doc) not in enriched:
            app.openapi_schema = doc = enrich(app, doc)
            enriched[:] = [id(doc)]
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
    _serve_written_once(app)


def _serve_written_once(app: FastAPI) -> None:
    """``app.openapi_url`` answered from the document's bytes, written when the document
    was built, with their ``ETag`` (FastAPI's own route serialises the whole document,
    ~5-20 ms of a service's CPU, on every call)."""
    written: list[Any] = [None, b"", ""]  # the document, its bytes, their ETag

    def current() -> tuple[bytes, str]:
        doc = app.openapi()
        if written[0] is not doc:
            body = bytes(JSONResponse(doc).body)
            written[:] = [doc, body, etag_of(body)]
        return written[1], written[2]

    found = [
        n
        for n, route in enumerate(app.router.routes)
        if isinstance(route, Route) and route.path == app.openapi_url
    ]
    if not found or app.openapi_url is None:
        return  # no document served (the gateway serves its merged one itself)
    n = found[0]
    fastapis: Any = app.router.routes[n].endpoint  # type: ignore[attr-defined]

    async def openapi_json(request: Request) -> Response:
        if request.scope.get("root_path") and app.root_path_in_servers:
            return await fastapis(request)  # FastAPI's own, per root path
        return document_response(request, *current())

    app.router.routes[n] = Route(app.openapi_url, openapi_json, include_in_schema=False)
