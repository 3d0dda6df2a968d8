"""The alarm demo's data tells the demo community's story in Chinese (issue 19 item 9): its
shelter stood in Shanghai, 1,067 km from the demo community in Beijing, and what a reader
sees of its shelters, supplies, rules and plan must read in Chinese. The loader's requests
are captured here (what it would send through the gateway); ``make run`` sends them."""

from __future__ import annotations

import json
import math
import re
from typing import Any
from unittest import mock

import httpx

from alarm import demo

# identity's demo community (幸福里社区（演示）), services/identity/src/identity/demo.py
COMMUNITY_LNG, COMMUNITY_LAT = 116.4074, 39.9042
HAN = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _km(lng: float, lat: float) -> float:
    dlat = math.radians(lat - COMMUNITY_LAT)
    dlng = math.radians(lng - COMMUNITY_LNG) * math.cos(math.radians(COMMUNITY_LAT))
    return 6371 * math.hypot(dlat, dlng)


def _posted() -> list[tuple[str, dict[str, Any]]]:
    posted: list[tuple[str, dict[str, Any]]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v1/auth/token":
            return httpx.Response(200, json={"access_token": "t"})
        if path == "/api/v1/me":
            grants = [{"scope_type": "community", "scope_id": "c-demo"}]
            return httpx.Response(200, json={"id": "u-1", "grants": grants})
        if request.method == "GET":
            return httpx.Response(200, json={"items": [], "total": 0})
        posted.append((path, json.loads(request.content)))
        return httpx.Response(201, json={"id": "x"})

    real_client = httpx.Client

    def client(**kw: Any) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(answer), **kw)

    with mock.patch.object(demo.httpx, "Client", client):
        demo.load("http://gateway")
    return posted


def test_shelters_stand_in_the_community_and_everything_reads_in_chinese() -> None:
    posted = _posted()
    shelters = [body for path, body in posted if path == "/api/v1/shelters"]
    supplies = [body for path, body in posted if path == "/api/v1/supplies"]
    assert shelters and supplies
    for shelter in shelters:
        assert _km(shelter["lng"], shelter["lat"]) < 1.0, shelter["name"]
    texts = [
        body[key]
        for _, body in posted
        for key in ("name", "title", "note", "address", "location", "unit", "category")
        if isinstance(body.get(key), str)
    ]
    assert len(texts) >= 15
    for text in texts:
        assert HAN.search(text) and not ENGLISH_WORD.search(text), text
