"""Any S3-compatible store (AWS S3, MinIO, Ceph RGW, moto ...) over httpx with SigV4.

Path-style URLs (``{endpoint}/{bucket}/{key}``) so it works with every S3-compatible
server without DNS tricks. Only what attachments need: PUT, GET, DELETE an object and
create the bucket.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import httpx


def _sign(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sigv4_headers(
    method: str,
    url: str,
    payload: bytes,
    *,
    region: str,
    access_key: str,
    secret_key: str,
    service: str = "s3",
    now: datetime | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Headers carrying an AWS Signature Version 4 for this request."""
    now = now or datetime.now(UTC)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = now.strftime("%Y%m%d")
    parts = urlsplit(url)
    payload_hash = hashlib.sha256(payload).hexdigest()
    headers = {
        "host": parts.netloc,
        "x-amz-date": amz_date,
        "x-amz-content-sha256": payload_hash,
        **{k.lower(): v for k, v in (extra or {}).items()},
    }
    signed = sorted(headers)
    canonical_headers = "".join(f"{h}:{headers[h].strip()}\n" for h in signed)
    query = "&".join(
        sorted(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, _, v in (p.partition("=") for p in parts.query.split("&") if p)
        )
    )
    canonical = "\n".join(
        [method, parts.path or "/", query, canonical_headers, ";".join(signed), payload_hash]
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = _sign(("AWS4" + secret_key).encode(), date)
    for part in (region, service, "aws4_request"):
        key = _sign(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
        f"SignedHeaders={';'.join(signed)}, Signature={signature}"
    )
    del headers["host"]  # httpx sends it
    return headers


class S3Error(RuntimeError):
    pass


class S3ObjectStore:
    def __init__(
        self,
        endpoint_url: str,
        bucket: str,
        *,
        region: str,
        access_key: str,
        secret_key: str,
        create_bucket: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.endpoint = endpoint_url.rstrip("/")
        self.bucket = bucket
        self.region = region
        self.access_key = access_key
        self.secret_key = secret_key
        self.create_bucket = create_bucket
        self._client = httpx.AsyncClient(timeout=timeout)

    def _url(self, key: str | None = None) -> str:
        base = f"{self.endpoint}/{quote(self.bucket, safe='')}"
        return base if key is None else f"{base}/{quote(key, safe='/-_.~')}"

    async def _request(
        self, method: str, url: str, body: bytes = b"", extra: dict[str, str] | None = None
    ) -> httpx.Response:
        headers = sigv4_headers(
            method,
            url,
            body,
            region=self.region,
            access_key=self.access_key,
            secret_key=self.secret_key,
            extra=extra,
        )
        return await self._client.request(method, url, content=body, headers=headers)

    async def start(self) -> None:
        if not self.create_bucket:
            return
        response = await self._request("PUT", self._url())
        if response.status_code not in (200, 409):  # 409: it exists already
            raise S3Error(f"creating bucket {self.bucket}: {response.status_code} {response.text}")

    async def close(self) -> None:
        await self._client.aclose()

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        response = await self._request(
            "PUT", self._url(key), data, extra={"content-type": content_type}
        )
        if response.status_code != 200:
            raise S3Error(f"PUT {key}: {response.status_code} {response.text[:200]}")

    async def get(self, key: str) -> bytes | None:
        response = await self._request("GET", self._url(key))
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise S3Error(f"GET {key}: {response.status_code} {response.text[:200]}")
        return response.content

    async def delete(self, key: str) -> None:
        response = await self._request("DELETE", self._url(key))
        if response.status_code not in (200, 204, 404):
            raise S3Error(f"DELETE {key}: {response.status_code} {response.text[:200]}")
