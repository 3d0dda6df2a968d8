"""Open311 GeoReport v2: a city platform or a 12345 hotline lists the case types it may
file, files a request (a work order) and follows the requests it filed, by its api_key
(issued by a platform admin); JSON or XML by the path's suffix (ADR 0035).

No access token: ``services`` are public, everything else needs ``api_key``. A refusal is
the spec's error list (``[{"code": 403, "description": ..., "error_code": ...}]``), in
zh-CN unless ``locale`` or Accept-Language asks for English."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from sc_core.auth import AnonymousCaller
from sc_core.errors import NotFound, Problem
from work_orders.api import open311_views as views
from work_orders.api.deps import GeoReportDep
from work_orders.api.schemas.open311 import (
    Open311Filed,
    Open311Service,
    Open311ServiceDefinition,
    Open311ServiceRequest,
    Open311Token,
)
from work_orders.domain import open311 as o311
from work_orders.usecases.open311 import CONTACT_LIMITS, LIMITS, Filing, location_invalid
from work_orders.usecases.open311_reads import RequestQuery, parse_query


class Open311Route(APIRoute):
    """A value out of its schema's bounds (issue 30) is refused in the spec's error list
    too, a 400 naming the field (``open311.field_invalid``; a bad ``lat``/``long``:
    ``open311.location_invalid``), as the use case refuses it: Open311 clients read that
    shape, never problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                words = o311.locale_of(
                    request.query_params.get("locale"), request.headers.get("accept-language")
                )
                return views.refusal(_fmt(request), _invalid(exc), words)

        return answer


def _invalid(exc: RequestValidationError) -> Problem:
    error: dict[str, Any] = next(iter(exc.errors()), {})
    name = str((error.get("loc") or ("", "request"))[-1])[:64]
    if name in ("lat", "long"):
        return location_invalid()
    limit = (error.get("ctx") or {}).get("max_length")
    if error.get("type") == "string_too_long" and limit is not None:
        return Problem(
            400,
            "open311.field_invalid",
            f"{name} is too long (at most {limit} characters)",
            zh=f"{name} 过长（最多 {limit} 个字符）",
        )
    return Problem(
        400, "open311.field_invalid", f"{name} is not valid here", zh=f"{name} 的取值无效"
    )


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)

# Bounds (issue 30): what the GeoReport v2 spec and 12345 clients send, and no more than
# the use case keeps (LIMITS, CONTACT_LIMITS; an api_key is at most 200 characters).
API_KEY_MAX = 200
ID_MAX = 64  # a jurisdiction (a community id), a service_code, a service_request_id
LIST_MAX = 2000  # a comma-separated list of ids or codes
Q = Annotated[str | None, Query(max_length=ID_MAX)]
PathId = Annotated[str, Path(min_length=1, max_length=ID_MAX)]
ApiKey = Annotated[
    str | None,
    Query(max_length=API_KEY_MAX, description="The client's key (issued by a platform admin)"),
]
Locale = Annotated[str | None, Query(max_length=35, description="en for English (default zh-CN)")]
FormKey = Annotated[str | None, Form(max_length=API_KEY_MAX)]
FormId = Annotated[str | None, Form(max_length=ID_MAX)]
Lat = Annotated[float | None, Form(ge=-90, le=90, description="WGS-84 latitude")]
Long = Annotated[float | None, Form(ge=-180, le=180, description="WGS-84 longitude")]
When = Annotated[
    str | None,
    Query(max_length=64, description="ISO 8601 (2026-12-01T08:00:00+08:00 or 2026-12-01)"),
]
AddressString = Annotated[str | None, Form(max_length=LIMITS["address_string"])]
AddressId = Annotated[str | None, Form(max_length=CONTACT_LIMITS["address_id"])]
Description = Annotated[str | None, Form(max_length=LIMITS["description"])]
MediaUrl = Annotated[str | None, Form(max_length=CONTACT_LIMITS["media_url"])]
FirstName = Annotated[str | None, Form(max_length=LIMITS["first_name"])]
LastName = Annotated[str | None, Form(max_length=LIMITS["last_name"])]
Phone = Annotated[str | None, Form(max_length=CONTACT_LIMITS["phone"])]
Email = Annotated[str | None, Form(max_length=CONTACT_LIMITS["email"])]
Opaque = Annotated[str | None, Form(max_length=200)]  # device_id, account_id: not kept
# refusals are the spec's error list, not problem+json (the document's shared answers say
# problem+json for every 4xx; these descriptions say what Open311 clients get)
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": f"The spec's error list: `[{{code: {status}, description, "
        "error_code: open311.<reason>}]` (XML: `<errors><error>...`)"
    }
    for status in (400, 403, 404, 429)
}
XML_OK: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/xml": {"schema": {"type": "string"}}}, "description": "XML"},
    **ERRORS,
}
XML_CREATED: dict[int | str, dict[str, Any]] = {
    201: {"content": {"text/xml": {"schema": {"type": "string"}}}, "description": "XML"},
    **ERRORS,
}


def _fmt(request: Request) -> str:
    return "xml" if request.url.path.endswith(".xml") else "json"


async def _answering(
    request: Request, locale: str | None, produce: Callable[[str, str], Awaitable[Response]]
) -> Response:
    """``produce(format, locale)``, a refusal in the spec's error shape."""
    fmt = _fmt(request)
    words = o311.locale_of(locale, request.headers.get("accept-language"))
    try:
        return await produce(fmt, words)
    except Problem as problem:
        return views.refusal(fmt, problem, words)


@router.get(
    "/services.json",
    name="listServicesJson",
    response_model=list[Open311Service],
    responses=ERRORS,
    summary="Services (case types) a client may file, JSON",
)
@router.get(
    "/services.xml",
    name="listServicesXml",
    response_class=Response,
    responses=XML_OK,
    summary="Services (case types) a client may file, XML",
)
async def list_services(
    request: Request, geo: GeoReportDep, jurisdiction_id: Q = None, locale: Locale = None
) -> Response:
    """Every active case type offered over Open311: service_code, service_name (zh-CN, or
    English by ``locale``), description, metadata (whether it has attributes), keywords,
    group. Public."""

    async def produce(fmt: str, words: str) -> Response:
        return views.answer(
            fmt, "services", [views.service(c, words) for c in await geo.services()]
        )

    return await _answering(request, locale, produce)


@router.get(
    "/services/{service_code}.json",
    name="serviceDefinitionJson",
    response_model=Open311ServiceDefinition,
    responses=ERRORS,
    summary="A service's attributes, JSON",
)
@router.get(
    "/services/{service_code}.xml",
    name="serviceDefinitionXml",
    response_class=Response,
    responses=XML_OK,
    summary="A service's attributes, XML",
)
async def service_definition(
    request: Request,
    service_code: PathId,
    geo: GeoReportDep,
    jurisdiction_id: Q = None,
    locale: Locale = None,
) -> Response:
    """The attributes (``attribute[code]`` of a request) a service asks for. Public."""

    async def produce(fmt: str, words: str) -> Response:
        ct = await geo.service(service_code)
        return views.single(fmt, "service_definition", views.definition(ct, words))

    return await _answering(request, locale, produce)


@router.post(
    "/requests.json",
    name="fileRequestJson",
    status_code=201,
    response_model=list[Open311Filed],
    responses=ERRORS,
    summary="File a request (a work order), JSON",
)
@router.post(
    "/requests.xml",
    name="fileRequestXml",
    status_code=201,
    response_class=Response,
    responses=XML_CREATED,
    summary="File a request (a work order), XML",
)
async def file_request(
    request: Request,
    who: AnonymousCaller,
    geo: GeoReportDep,
    api_key: FormKey = None,
    jurisdiction_id: FormId = None,
    service_code: FormId = None,
    lat: Lat = None,
    long: Long = None,
    address_string: AddressString = None,
    address_id: AddressId = None,
    description: Description = None,
    media_url: MediaUrl = None,
    first_name: FirstName = None,
    last_name: LastName = None,
    phone: Phone = None,
    email: Email = None,
    device_id: Opaque = None,
    account_id: Opaque = None,
    locale: Locale = None,
) -> Response:
    """Form-encoded as the spec says: the case type's ``service_code``, where (``lat`` and
    ``long``, ``address_id`` = a standard address code, or ``address_string`` = a
    registered place's name), ``description``, ``media_url``, ``attribute[code]``, the
    filer's contact (kept encrypted; staff see it masked). The case opens in the
    community the place falls in (a place nowhere, or on two communities' edge: 400); its
    number is the ``service_request_id``."""
    form = await request.form()
    filing = Filing(
        service_code=service_code,
        jurisdiction_id=jurisdiction_id,
        lat=lat,
        long=long,
        address_string=address_string,
        address_id=address_id,
        description=description,
        media_url=media_url,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email,
        attributes={
            k[len("attribute[") : -1]: v
            for k, v in form.multi_items()
            if k.startswith("attribute[") and k.endswith("]") and isinstance(v, str)
        },
    )

    async def produce(fmt: str, words: str) -> Response:
        admitted = await geo.admit(who, api_key)
        view = await geo.file(admitted, filing)
        return views.answer(fmt, "service_requests", [views.filed(view, words)], 201)

    return await _answering(request, locale, produce)


@router.get(
    "/requests.json",
    name="listRequestsJson",
    response_model=list[Open311ServiceRequest],
    responses=ERRORS,
    summary="The requests this client filed, JSON",
)
@router.get(
    "/requests.xml",
    name="listRequestsXml",
    response_class=Response,
    responses=XML_OK,
    summary="The requests this client filed, XML",
)
async def list_requests(
    request: Request,
    who: AnonymousCaller,
    geo: GeoReportDep,
    api_key: ApiKey = None,
    service_request_id: Annotated[
        str | None, Query(max_length=LIST_MAX, description="Comma-separated")
    ] = None,
    service_code: Annotated[
        str | None, Query(max_length=LIST_MAX, description="Comma-separated")
    ] = None,
    start_date: When = None,
    end_date: When = None,
    status: Annotated[
        str | None, Query(max_length=32, description="open, closed or both (open,closed)")
    ] = None,
    jurisdiction_id: Q = None,
    locale: Locale = None,
) -> Response:
    """Only the requests this key's client filed (the last 90 days unless dates or ids are
    given, at most 1,000): status open/closed, status_notes (the staff's latest reply),
    times in the community's zone, expected_datetime (the SLA deadline)."""

    async def produce(fmt: str, words: str) -> Response:
        admitted = await geo.admit(who, api_key)
        query = parse_query(
            service_request_id=service_request_id,
            service_code=service_code,
            start_date=start_date,
            end_date=end_date,
            status=status,
        )
        found = await geo.requests(admitted, query)
        return views.answer(fmt, "service_requests", [views.request(v, words) for v in found])

    return await _answering(request, locale, produce)


@router.get(
    "/requests/{service_request_id}.json",
    name="getRequestJson",
    response_model=list[Open311ServiceRequest],
    responses=ERRORS,
    summary="One request this client filed, JSON",
)
@router.get(
    "/requests/{service_request_id}.xml",
    name="getRequestXml",
    response_class=Response,
    responses=XML_OK,
    summary="One request this client filed, XML",
)
async def get_request(
    request: Request,
    service_request_id: PathId,
    who: AnonymousCaller,
    geo: GeoReportDep,
    api_key: ApiKey = None,
    jurisdiction_id: Q = None,
    locale: Locale = None,
) -> Response:
    """A request by its ``service_request_id`` (the case's number); another client's is
    404 as if it did not exist."""

    async def produce(fmt: str, words: str) -> Response:
        admitted = await geo.admit(who, api_key)
        seq = o311.seq_of(service_request_id)
        found = await geo.requests(admitted, RequestQuery(seqs=(seq,))) if seq else []
        if not found:
            raise NotFound(
                "open311.request_not_found",
                "No request of yours has this service_request_id",
                zh="没有您提交的这个请求",
            )
        return views.answer(fmt, "service_requests", [views.request(found[0], words)])

    return await _answering(request, locale, produce)


@router.get(
    "/tokens/{token}.json",
    name="getTokenJson",
    response_model=list[Open311Token],
    responses=ERRORS,
    summary="The service_request_id of a token, JSON",
)
@router.get(
    "/tokens/{token}.xml",
    name="getTokenXml",
    response_class=Response,
    responses=XML_OK,
    summary="The service_request_id of a token, XML",
)
async def get_token(
    request: Request,
    token: PathId,
    who: AnonymousCaller,
    geo: GeoReportDep,
    api_key: ApiKey = None,
    jurisdiction_id: Q = None,
    locale: Locale = None,
) -> Response:
    """Requests are created at once, so every token has its service_request_id."""

    async def produce(fmt: str, words: str) -> Response:
        admitted = await geo.admit(who, api_key)
        view = await geo.by_token(admitted, token)
        return views.answer(fmt, "service_requests", [views.token(view)])

    return await _answering(request, locale, produce)
