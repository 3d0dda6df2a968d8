"""``GET /api/v1/overview``: the operations overview of one community (6.7.3 a–c), counts only.

The gateway asks each owner for its own counts, with the caller's token, in parallel:
device-ingestion ``/api/v1/device-stats`` and ``/api/v1/energy`` (today and yesterday),
alarm ``/api/v1/alarm-stats``, work-orders ``/api/v1/work-order-stats``, identity's
community and buildings (the map's places, as GeoJSON). Each service applies its own
scope, so the overview shows exactly what the caller may see; a part whose service is down
or refuses the caller is ``null`` and named in ``unavailable`` (the rest still answers).
Why here and not in a service: docs/adr/0016-operations-overview-at-the-gateway.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from gateway.gis_features import to_gcj02
from sc_core.openapi import operation_id

ENERGY_KINDS = ("electricity", "water", "gas")
PLACE_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"  # ids and codes of places; nothing that bends a URL


class EnergyDay(BaseModel):
    kind: str
    unit: str | None
    today: float
    yesterday: float


class Overview(BaseModel):
    community_id: str
    day: date
    timezone: str
    since: datetime  # the start of `day` in `timezone`: "today" counts from here
    devices: dict[str, Any] | None
    alarms: dict[str, Any] | None
    work_orders: dict[str, Any] | None
    energy: list[EnergyDay] | None
    special_persons: dict[str, Any] | None
    map: dict[str, Any] | None  # GeoJSON FeatureCollection: the community and its buildings
    unavailable: list[str]


def overview_router(
    admit: Callable[[Request], Any],
    client: Callable[[], httpx.AsyncClient],
    base_url: Callable[[str], str | None],
    timezone: str,
) -> APIRouter:
    router = APIRouter(tags=["overview"], generate_unique_id_function=operation_id)

    @router.get("/api/v1/overview", response_model=Overview)
    async def get_overview(
        request: Request,
        community_id: Annotated[str, Query(min_length=1, max_length=64, pattern=PLACE_ID)],
        day: Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2199, 12, 31))] = None,
        crs: Annotated[
            Literal["wgs84", "gcj02"], Query(description="the map's points; gcj02: AMap tiles")
        ] = "wgs84",
    ) -> Overview:
        await admit(request)
        zone = ZoneInfo(timezone)
        today = day or datetime.now(zone).date()
        since = datetime.combine(today, time(), zone)
        headers = {
            "Authorization": request.headers.get("authorization", ""),
            "X-Request-ID": str(getattr(request.state, "request_id", "")),
            "Accept-Language": request.headers.get("accept-language", "zh-CN"),
        }
        http = client()

        async def get(path: str, params: dict[str, str]) -> Any:
            base = base_url(path)
            if base is None:
                return None
            try:
                r = await http.get(f"{base}{path}", params=params, headers=headers)
                return r.json() if r.status_code == 200 else None
            except (httpx.HTTPError, httpx.InvalidURL, ValueError):
                return None

        stamp = since.isoformat()
        window = {
            "period": "day",
            "scope": "community",
            "id": community_id,
            "from": (since - timedelta(days=1)).isoformat(),
            "to": (since + timedelta(days=1)).isoformat(),
        }
        results = await asyncio.gather(
            get("/api/v1/device-stats", {"community_id": community_id}),
            get("/api/v1/alarm-stats", {"community_id": community_id, "since": stamp}),
            get("/api/v1/work-order-stats", {"community_id": community_id, "since": stamp}),
            *(get("/api/v1/energy", {**window, "kind": k}) for k in ENERGY_KINDS),
            get(f"/api/v1/communities/{quote(community_id, safe='')}", {}),
            get("/api/v1/buildings", {"community_id": community_id, "limit": "100"}),
        )
        devices, alarms, work_orders = results[0], results[1], results[2]
        energies = results[3 : 3 + len(ENERGY_KINDS)]
        community, buildings = results[-2], results[-1]
        unavailable = [
            name
            for name, value in (
                ("devices", devices),
                ("alarms", alarms),
                ("work_orders", work_orders),
                ("map", community),
            )
            if value is None
        ]
        days: list[EnergyDay] = []
        for kind, stats in zip(ENERGY_KINDS, energies, strict=True):
            if stats is None:
                continue  # no meter of that kind here (404) or not readable
            try:
                buckets = {
                    datetime.fromisoformat(b["start"]).astimezone(zone).date().isoformat(): float(
                        b["consumption"]
                    )
                    for b in stats.get("buckets", [])
                }
            except (KeyError, TypeError, ValueError):
                continue
            days.append(
                EnergyDay(
                    kind=kind,
                    unit=stats.get("unit"),
                    today=buckets.get(today.isoformat(), 0.0),
                    yesterday=buckets.get((today - timedelta(days=1)).isoformat(), 0.0),
                )
            )
        if not days:
            unavailable.append("energy")
        special = alarms.pop("special_persons", None) if alarms else None
        places = _geojson(community, buildings, devices, alarms) if community else None
        if places is not None and crs == "gcj02":
            to_gcj02(places["features"])  # for Chinese map tiles (ADR 0041)
        return Overview(
            community_id=community_id,
            day=today,
            timezone=timezone,
            since=since,
            devices=devices,
            alarms=alarms,
            work_orders=work_orders,
            energy=days or None,
            special_persons=special,
            map=places,
            unavailable=unavailable,
        )

    return router


def _geojson(
    community: dict[str, Any],
    buildings: dict[str, Any] | None,
    devices: dict[str, Any] | None,
    alarms: dict[str, Any] | None,
) -> dict[str, Any]:
    """The community and its buildings as GeoJSON points, each with its counts."""
    by_building_devices = {d["key"]: d for d in (devices or {}).get("by_building", [])}
    by_building_alarms = {
        a["key"]: a["count"] for a in (alarms or {}).get("active_by_building", [])
    }
    features = []

    def point(lng: Any, lat: Any) -> dict[str, Any] | None:
        if lng is None or lat is None:
            return None
        return {"type": "Point", "coordinates": [lng, lat]}

    geometry = point(community.get("longitude"), community.get("latitude"))
    if geometry:
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"kind": "community", "name": community.get("name", "")},
            }
        )
    for b in (buildings or {}).get("items", []):
        geometry = point(b.get("longitude"), b.get("latitude"))
        if geometry is None:
            continue
        d = by_building_devices.get(b["id"], {})
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "kind": "building",
                    "name": b.get("name", ""),
                    "active_alarms": by_building_alarms.get(b["id"], 0),
                    "devices_online": d.get("online", 0),
                    "devices_offline": d.get("offline", 0),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
