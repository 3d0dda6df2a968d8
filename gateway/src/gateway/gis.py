"""``GET /api/v1/gis/features``: people, places, things and events of one community as one
GeoJSON FeatureCollection (RFC 7946) for a map (6.7.1 a).

Like the operations overview (ADR 0016) the gateway asks each owner, in parallel and with
the caller's own token, for what it already lists, and each owner applies its own scope:
identity's community, buildings and grids (places); device-ingestion's devices, the alarm
service's shelters and key places and care's aid points (things); the alarm service's
alarms and work-orders' cases (events, in a time window, by type); the alarm service's
special-population counts (people: counts per building, never a person). A part whose
owner is down or refuses the caller is left out and named in ``unavailable``; a part with
more rows than :data:`MAX_ROWS` is cut there and named in ``truncated``. ``crs=gcj02``
moves every point to GCJ-02 for Chinese map tiles (``sc_core.geo``). Why here, and why
GCJ-02 by a transform: docs/adr/0041-gis-features-at-the-gateway.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

import gateway.gis_features as gf
from gateway.overview import PLACE_ID
from sc_core.errors import Problem
from sc_core.openapi import operation_id
from sc_core.outline import OutlineMultiPolygon, OutlinePolygon
from sc_core.schema import AwareInstant

Layer = Literal["places", "things", "events", "people"]
LAYERS: tuple[Layer, ...] = ("places", "things", "events", "people")
MAX_ROWS = 1000  # per part: ten pages of 100
DEFAULT_WINDOW = timedelta(days=7)
TYPE_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class GisPoint(BaseModel):
    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=2, description="[lng, lat]")


class GisFeature(BaseModel):
    type: Literal["Feature"]
    id: str
    geometry: Annotated[
        GisPoint | OutlinePolygon | OutlineMultiPolygon,
        Field(discriminator="type", description="a point, or a place's outline"),
    ]
    properties: dict[str, Any] = Field(
        description="layer (places, things, events, people), kind and the row's own fields"
    )


class GisFeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[GisFeature]
    community_id: str
    datum: Literal["wgs84", "gcj02"] = Field(description="WGS-84 (RFC 7946) or GCJ-02")
    layers: list[Layer]
    since: datetime
    until: datetime
    unavailable: list[str] = Field(description="parts whose owner is down or refused")
    truncated: list[str] = Field(description=f"parts cut at {MAX_ROWS} rows")


def gis_router(
    admit: Callable[[Request], Any],
    client: Callable[[], httpx.AsyncClient],
    base_url: Callable[[str], str | None],
) -> APIRouter:
    router = APIRouter(tags=["gis"], generate_unique_id_function=operation_id)

    @router.get(
        "/api/v1/gis/features",
        response_model=GisFeatureCollection,
        summary="People (counts), places, things and events of a community as GeoJSON",
    )
    async def get_features(
        request: Request,
        community_id: Annotated[str, Query(min_length=1, max_length=64, pattern=PLACE_ID)],
        layers: Annotated[list[Layer] | None, Query(max_length=4)] = None,
        crs: Annotated[
            Literal["wgs84", "gcj02"], Query(description="gcj02: for AMap or Tencent tiles")
        ] = "wgs84",
        since: Annotated[AwareInstant | None, Query(description="events: default until-7d")] = None,
        until: Annotated[AwareInstant | None, Query(description="events: default now")] = None,
        alarm_type: Annotated[str | None, Query(max_length=64, pattern=TYPE_CODE)] = None,
        case_type: Annotated[str | None, Query(max_length=32, pattern=TYPE_CODE)] = None,
    ) -> GisFeatureCollection:
        await admit(request)
        end = until or datetime.now(UTC)
        start = since or end - DEFAULT_WINDOW
        if start >= end:
            raise Problem(
                422,
                "gis.window_invalid",
                "'since' must be before 'until'",
                zh="开始时间（since）必须早于结束时间（until）",
            )
        wanted = [layer for layer in LAYERS if layer in (layers or LAYERS)]
        reader = _Reader(request, client(), base_url)
        collection = await _collect(reader, community_id, wanted, start, end, alarm_type, case_type)
        if crs == "gcj02":
            gf.to_gcj02(collection["features"])
        return GisFeatureCollection(
            type="FeatureCollection",
            community_id=community_id,
            datum=crs,
            layers=wanted,
            since=start,
            until=end,
            **collection,
        )

    return router


class _Reader:
    """GETs to the owners with the caller's token; ``None`` for anything but a 200."""

    def __init__(
        self, request: Request, http: httpx.AsyncClient, base_url: Callable[[str], str | None]
    ):
        self.http = http
        self.base_url = base_url
        self.headers = {
            "Authorization": request.headers.get("authorization", ""),
            "X-Request-ID": str(getattr(request.state, "request_id", "")),
            "Accept-Language": request.headers.get("accept-language", "zh-CN"),
        }
        self.truncated: list[str] = []

    async def one(self, path: str, params: dict[str, str]) -> Any:
        base = self.base_url(path)
        if base is None:
            return None
        try:
            r = await self.http.get(f"{base}{path}", params=params, headers=self.headers)
            return r.json() if r.status_code == 200 else None
        except (httpx.HTTPError, httpx.InvalidURL, ValueError):
            return None

    async def rows(
        self,
        part: str,
        path: str,
        params: dict[str, str],
        stop: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[dict[str, Any]] | None:
        """Every page of a list (newest first where ``stop`` says when to end)."""
        out: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = await self.one(path, {**params, "limit": "100", "offset": str(offset)})
            if not isinstance(page, dict) or not isinstance(page.get("items"), list):
                return None
            batch = [i for i in page["items"] if isinstance(i, dict)]
            out.extend(batch)
            following = page.get("next_offset")
            if not isinstance(following, int) or following <= offset:
                following = None  # the last page (or an answer that does not move on)
            if not batch or following is None or (stop is not None and stop(batch[-1])):
                return out
            if len(out) >= MAX_ROWS:
                self.truncated.append(part)
                return out[:MAX_ROWS]
            offset = following


async def _collect(
    reader: _Reader,
    community_id: str,
    layers: list[Layer],
    since: datetime,
    until: datetime,
    alarm_type: str | None,
    case_type: str | None,
) -> dict[str, Any]:
    in_community = {"community_id": community_id}
    window = {"since": since.isoformat(), "until": until.isoformat()}

    async def nothing() -> list[dict[str, Any]]:
        return []

    def opened_before(row: dict[str, Any]) -> bool:  # cases come newest first
        return _instant(row.get("created_at")) < since

    things, events = "things" in layers, "events" in layers
    alarm_filter = {**in_community, **window, **({"alarm_type": alarm_type} if alarm_type else {})}
    case_filter = {"type": case_type} if case_type else {}
    parts = {
        "community": reader.one(f"/api/v1/communities/{quote(community_id, safe='')}", {}),
        "buildings": reader.rows("buildings", "/api/v1/buildings", in_community),
        "grids": reader.rows("grids", "/api/v1/grids", in_community)
        if "places" in layers
        else nothing(),
        "devices": reader.rows("devices", "/api/v1/devices", in_community) if things else nothing(),
        "shelters": reader.rows("shelters", "/api/v1/shelters", in_community)
        if things
        else nothing(),
        "key_places": reader.rows("key_places", "/api/v1/key-places", {}) if things else nothing(),
        "aid_points": reader.rows("aid_points", "/api/v1/aid-points", in_community)
        if things
        else nothing(),
        "alarms": reader.rows("alarms", "/api/v1/alarms", alarm_filter) if events else nothing(),
        "cases": reader.rows("cases", "/api/v1/work-orders", case_filter, stop=opened_before)
        if events
        else nothing(),
        "people": reader.one("/api/v1/alarm-stats", {**in_community, "since": window["since"]})
        if "people" in layers
        else nothing(),
    }
    got = dict(zip(parts, await asyncio.gather(*parts.values()), strict=True))
    unavailable = [name for name, value in got.items() if value is None]
    community = got["community"] if isinstance(got["community"], dict) else None
    buildings = got["buildings"] or []
    places = gf.Places(community, buildings)
    features: list[dict[str, Any]] = []
    if "places" in layers:
        features += gf.place_features(community, buildings, got["grids"] or [])
    if things:
        features += gf.device_features(got["devices"] or [], places)
        features += gf.point_features(got["shelters"] or [], "shelter", ("address", "capacity"))
        mine = [p for p in got["key_places"] or [] if p.get("community_id") == community_id]
        features += gf.point_features(mine, "key_place", ("kind", "address", "building_id"))
        aid = ("kind", "kind_zh", "kind_en", "in_service", "opens", "closes")
        features += gf.point_features(got["aid_points"] or [], "aid_point", aid)
    if events:
        features += gf.alarm_features(got["alarms"] or [], places)
        cases = [
            c
            for c in got["cases"] or []
            if c.get("community_id") == community_id
            and since <= _instant(c.get("created_at")) < until
        ]
        features += gf.case_features(cases, places)
    if "people" in layers:
        special = got["people"].get("special_persons") if isinstance(got["people"], dict) else None
        if special is None and "people" not in unavailable:
            unavailable.append("people")  # the caller does not read the register
        elif special is not None:
            names = {str(b.get("id")): str(b.get("name", "")) for b in buildings}
            features += gf.people_features(special, places, names)
    return {
        "features": features,
        "unavailable": unavailable,
        "truncated": reader.truncated,
    }


def _instant(value: Any) -> datetime:
    try:
        found = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return found if found.tzinfo else found.replace(tzinfo=UTC)
