"""Driving identity's hosted login page without a browser (the browser test is in
tests-e2e): read the page's form, post it back, follow identity's answers."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from httpx import AsyncClient, Response

BASE = "http://127.0.0.1:8000"  # issuer and public base URL of these tests (loopback: dev)
CALLBACK = "http://127.0.0.1:9/callback"


def hidden_txn(page: Response) -> str:
    found = re.search(r'name="txn" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return html.unescape(found.group(1))


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def post_form(client: AsyncClient, page: Response, **fields: str) -> Response:
    return await client.post(
        "/oauth2/authorize", data={"txn": hidden_txn(page), **fields}, follow_redirects=False
    )


async def register_client(client: AsyncClient, admin: dict[str, str], **body: object) -> dict:
    created = await client.post(
        "/api/v1/oidc/clients",
        headers=admin,
        json={"name": "测试应用", "name_en": "Test app", "redirect_uris": [CALLBACK], **body},
    )
    assert created.status_code == 201, created.text
    return dict(created.json())
