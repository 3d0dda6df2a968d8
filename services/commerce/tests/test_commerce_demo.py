"""The commerce demo tells one story in the demo community, in Chinese: every request the
loader would send through the gateway (captured here; ``make run`` sends them) is one
commerce accepts (its own request models), its places stand in 幸福里社区, and the tailor's
shop sits in the tenant's flat, which the service flags."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from unittest import mock

import httpx
from pydantic import BaseModel

from commerce import demo
from commerce.api.schemas.listings import ListingCreate, ListingReview
from commerce.api.schemas.merchants import MerchantCreate, Review
from commerce.api.schemas.points import BookingCreate, ServicePointCreate
from commerce.api.schemas.recycling import DropOffCreate
from commerce.api.schemas.shops import ProductCreate, ShopCreate
from commerce.domain.points import distance_m

HAN = re.compile(r"[\u4e00-\u9fff]")
MODELS: list[tuple[str, type[BaseModel]]] = [
    (r"/merchants", MerchantCreate),
    (r"/merchants/[^/]+/verify", Review),
    (r"/shops", ShopCreate),
    (r"/shops/[^/]+/products", ProductCreate),
    (r"/service-points", ServicePointCreate),
    (r"/service-points/[^/]+/bookings", BookingCreate),
    (r"/recycling/drop-offs", DropOffCreate),
    (r"/listings", ListingCreate),
    (r"/listings/[^/]+/publish", ListingReview),
]
HOMES = {
    "resident": {
        "community_id": "c-demo",
        "household_id": "hh-101",
        "room_id": "r-1-1-101",
        "place_label": "幸福里社区（演示） 1号楼1单元101室",
    },
    "tenant": {
        "community_id": "c-demo",
        "household_id": "hh-2101",
        "room_id": "r-2-1-101",
        "place_label": "幸福里社区（演示） 2号楼1单元101室",
    },
}


def _posted() -> list[tuple[str, dict[str, Any]]]:
    posted: list[tuple[str, dict[str, Any]]] = []
    who: dict[str, str] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v1/auth/token":
            user = dict(x.split("=") for x in request.content.decode().split("&"))["username"]
            who["last"] = user
            return httpx.Response(200, json={"access_token": user})
        if path == "/api/v1/me":
            token = request.headers["Authorization"].removeprefix("Bearer ")
            home = HOMES.get(token)
            return httpx.Response(200, json={"households": [home] if home else []})
        if request.method == "GET":
            return httpx.Response(200, json={"items": [], "total": 0})
        posted.append((path.removeprefix("/api/v1/commerce"), json.loads(request.content or b"{}")))
        return httpx.Response(201, json={"id": str(uuid.UUID(int=len(posted)))})

    real_client = httpx.Client

    def client(**kw: Any) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(answer), **kw)

    with mock.patch.object(demo.httpx, "Client", client):
        assert demo.load("http://gateway").startswith("2 merchants")
    return posted


def test_every_request_is_one_commerce_accepts_in_the_demo_community_in_chinese() -> None:
    posted = _posted()
    assert posted
    for path, body in posted:
        [model] = [m for pattern, m in MODELS if re.fullmatch(pattern, path)]
        model.model_validate(body)  # raises on anything commerce would refuse
        words = [v for k, v in body.items() if k in ("name", "title", "description", "service")]
        assert all(HAN.search(w) for w in words), (path, words)
        if "latitude" in body:  # within 500 m of 幸福里社区
            assert distance_m(demo.LAT, demo.LNG, body["latitude"], body["longitude"]) < 500
    shops = [b for p, b in posted if p == "/shops"]
    assert [s.get("room_id") for s in shops] == [None, "r-2-1-101"]  # the tenant's flat
    [listing] = [b for p, b in posted if p == "/listings"]
    assert listing["household_id"] == "hh-101" and listing["place_label"].endswith("101室")
