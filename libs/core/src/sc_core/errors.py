"""RFC 9457 problem+json errors with a stable ``code`` apps can localise.

Raise :class:`Problem` (or a subclass) anywhere in a request; :func:`install_problem_handlers`
turns it, validation errors, unknown routes and anything unexpected into
``application/problem+json`` with ``type``, ``title``, ``status``, ``detail``, ``code`` and,
for validation, the list of ``errors`` (one per bad field, so a client sees every reason).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote_plus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

from sc_core.field_errors import field_errors

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger(__name__)

_STATUS_CODES = {
    400: "request.bad_request",
    401: "auth.unauthenticated",
    403: "auth.forbidden",
    404: "http.not_found",
    405: "http.method_not_allowed",
    406: "http.not_acceptable",
    409: "request.conflict",
    413: "request.too_large",
    415: "request.unsupported_media_type",
    422: "request.validation_failed",
    429: "request.rate_limited",
    502: "upstream.bad_gateway",
    503: "upstream.unavailable",
    504: "upstream.timeout",
}


_ZH_BY_STATUS = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限进行此操作",
    404: "找不到请求的内容",
    405: "不支持这种请求方式",
    406: "无法以要求的格式答复",
    409: "与当前状态冲突",
    413: "请求内容过大",
    415: "不支持这种内容格式",
    422: "请求中有填写不正确的内容",
    429: "请求过于频繁，请稍后再试",
    502: "服务暂时无法答复",
    503: "服务暂时不可用，请稍后再试",
    504: "服务答复超时，请稍后再试",
}


def _is_data_exception(exc: BaseException) -> bool:
    """PostgreSQL's data exceptions (SQLSTATE class 22: out of range, bad literal ...) and
    asyncpg's refusal to encode a parameter (which SQLAlchemy wraps as a bare DBAPIError)."""
    if isinstance(exc, DataError):
        return True
    seen: BaseException | None = exc
    for _ in range(8):  # the chain: DBAPIError -> adapter error -> asyncpg error -> ...
        if seen is None:
            return False
        sqlstate = getattr(seen, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith("22"):
            return True
        if type(seen).__module__.startswith("asyncpg") and type(seen).__name__ == "DataError":
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__ or seen.__context__
    return False


class Problem(Exception):
    """An error a client should see: HTTP status, stable code, human message.

    ``detail`` is English; with ``zh`` (the Chinese text) the answer's ``detail`` is in the
    reader's language (zh-CN unless Accept-Language puts English first) and ``messages``
    carries both, so an app that does not know the code still shows a whole sentence.
    """

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        zh: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or _title(status)
        self.headers = headers or {}
        self.zh = zh
        self.extra = extra

    def to_dict(self, instance: str | None = None, *, locale: str = "zh-CN") -> dict[str, Any]:
        detail = self.detail
        if self.zh is not None and locale != "en":
            detail = self.zh
        body: dict[str, Any] = {
            "type": f"urn:smart-community:problem:{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": detail,
            "code": self.code,
        }
        if self.zh is not None:
            body["messages"] = {"zh-CN": self.zh, "en": self.detail}
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class NotFound(Problem):
    def __init__(self, code: str, detail: str = "Resource not found", **extra: Any) -> None:
        super().__init__(404, code, detail, **extra)


class Forbidden(Problem):
    def __init__(self, code: str = "auth.forbidden", detail: str = "Not allowed", **extra: Any):
        super().__init__(403, code, detail, **extra)


class Conflict(Problem):
    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(409, code, detail, **extra)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def reader_locale(request: Request | None) -> str:
    """zh-CN unless the reader's Accept-Language puts English first."""
    if request is None:
        return "zh-CN"
    header = request.headers.get("accept-language", "").strip().lower()
    return "en" if header.startswith("en") else "zh-CN"


SECRET_PATH_PARAMS = frozenset({"token", "device_token", "access_token"})
"""Path parameters that are credentials (a device's access token in ``/api/v1/{token}/...``):
never echoed in a problem's ``instance``."""

PATH_TEMPLATE = "path_template"
"""``app.state.path_template(scope) -> str | None``: how an app that forwards (the gateway)
names the template of a path it does not route itself, for :func:`problem_instance`."""


def _path_template(scope: Scope) -> str | None:
    route = scope.get("route")  # set once the router matched
    if route is not None:
        return getattr(route, "path_format", None)
    app = scope.get("app")  # a refusal before routing (a middleware): find the route
    resolve = getattr(getattr(app, "state", None), PATH_TEMPLATE, None)
    if callable(resolve):
        template: str | None = resolve(scope)
        return template
    for candidate in getattr(getattr(app, "router", None), "routes", ()):
        match, _ = candidate.matches(scope)
        if match is not Match.NONE:
            return getattr(candidate, "path_format", None)
    return None


def problem_instance(request: Request) -> str:
    """The request's path as a problem's ``instance``, with every secret path parameter
    (:data:`SECRET_PATH_PARAMS`) left as its placeholder: ``/api/v1/{token}/telemetry``."""
    path = request.url.path
    template = _path_template(request.scope)
    if not isinstance(template, str) or not any(f"{{{n}" in template for n in SECRET_PATH_PARAMS):
        return path
    parts, shape = path.split("/"), template.split("/")
    if len(parts) != len(shape):
        return template  # a :path parameter: the template alone says where it failed
    secret = {f"{{{name}}}" for name in SECRET_PATH_PARAMS}
    return "/".join(t if t in secret else p for p, t in zip(parts, shape, strict=True))


SECRET_QUERY_PARAMS = frozenset(
    {"ticket", "access_token", "token", "device_token", "refresh_token", "id_token_hint"}
)
"""Query parameters that are credentials (the stream's single-use ``?ticket=``, an
``?access_token=`` a client sends although it is refused): never written to a log or a span."""

REDACTED = "REDACTED"


def redacted_query(query: str) -> str:
    """``query`` with the value of every :data:`SECRET_QUERY_PARAMS` replaced by
    ``REDACTED``; other parameters as they came (order, blanks and encoding kept)."""
    if not query:
        return query
    out = []
    for pair in query.split("&"):
        name, sep, _value = pair.partition("=")
        if sep and unquote_plus(name).lower() in SECRET_QUERY_PARAMS:
            pair = f"{name}={REDACTED}"
        out.append(pair)
    return "&".join(out)


def redacted_target(scope: Scope) -> str:
    """A request's path and query as logs and spans may record them: credential path
    parameters as their placeholder (:func:`problem_instance`), credential query values
    ``REDACTED``. The one rule for every log line that names a request."""
    path = problem_instance(Request(scope))
    query = redacted_query(scope.get("query_string", b"").decode("latin-1"))
    return f"{path}?{query}" if query else path


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    instance = problem_instance(request) if request is not None else None
    return JSONResponse(
        problem.to_dict(instance, locale=reader_locale(request)),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def invalid_fields(exc: ValidationError, *, at: tuple[str, ...] = ("body",)) -> Exception:
    """A use case's own validation failure (a correction merged into the stored record,
    say) as the same ``request.validation_failed`` problem a request's fields get: each
    field named under ``at``, its message in the reader's language. Raise what it returns."""
    errors = [{**e, "loc": (*at, *e.get("loc", ()))} for e in exc.errors(include_url=False)]
    return RequestValidationError(errors)


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` a problem+json response; nothing leaks as a bare 500."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(list(exc.errors()), reader_locale(request))
        if any(e["type"] == "json_invalid" for e in errors):
            problem = Problem(
                400,
                "request.malformed_json",
                "The request body is not valid JSON",
                zh="请求内容不是有效的 JSON",
                errors=errors,
            )
        else:
            problem = Problem(
                422,
                "request.validation_failed",
                "The request has invalid fields",
                zh="请求中有填写不正确的内容",
                errors=errors,
            )
        return problem_response(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, f"http.{exc.status_code}")
        detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
        headers = dict(exc.headers or {})
        # Starlette's own answers (no route, wrong method ...) carry the status phrase
        zh = _ZH_BY_STATUS.get(exc.status_code) if detail == _title(exc.status_code) else None
        problem = Problem(exc.status_code, code, detail, headers=headers, zh=zh)
        return problem_response(problem, request)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        # text PostgreSQL cannot store (a NUL character) is the client's error, not ours
        if "invalid byte sequence" in str(exc) or "CharacterNotInRepertoire" in repr(exc):
            return problem_response(
                Problem(
                    422,
                    "request.invalid_characters",
                    "A value holds a character that cannot be stored",
                    zh="填写的内容含有无法保存的字符",
                ),
                request,
            )
        # a value the column or parameter cannot hold (a number out of range, a malformed
        # literal): PostgreSQL's data exceptions, and asyncpg's refusal to encode it
        if _is_data_exception(exc):
            log.info(
                "data refused on %s %s: %s",
                request.method,
                redacted_target(request.scope),
                exc.orig,
            )
            return problem_response(
                Problem(
                    422,
                    "request.invalid_value",
                    "A value is out of range or malformed",
                    zh="填写的数值超出范围或格式不正确",
                ),
                request,
            )
        # the database went away under the request (restarted, connection dropped): the
        # pool replaces the connection, so the client may simply try again
        if exc.connection_invalidated or isinstance(exc, InterfaceError | OperationalError):
            log.warning(
                "database unavailable on %s %s: %s",
                request.method,
                redacted_target(request.scope),
                exc,
            )
            return problem_response(
                Problem(
                    503,
                    "service.database_unavailable",
                    "The service's database is not reachable; try again shortly",
                    zh="服务暂时无法访问数据，请稍后重试",
                    headers={"Retry-After": "1"},
                ),
                request,
            )
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, redacted_target(request.scope))
        return problem_response(
            Problem(
                500,
                "internal.error",
                "An unexpected error occurred; it has been logged",
                zh="系统出现意外错误，已记录，请稍后重试",
            ),
            request,
        )
