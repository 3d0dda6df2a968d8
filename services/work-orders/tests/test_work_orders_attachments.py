"""Attachments: type and size are checked on the content, not the name or declared type;
the S3-compatible store is exercised against a real S3 server (moto's, over HTTP)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from sc_core.auth.testing import LocalIssuer
from sc_core.storage import sniff
from sc_core.storage.local import LocalObjectStore
from sc_core.storage.s3 import S3ObjectStore, sigv4_headers
from wo_helpers import JPEG, Harness, make_settings, start_harness


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


PDF = b"%PDF-1.7\n" + bytes(50)
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(50)
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(50)
GIF = b"GIF89a" + bytes(50)


async def test_uploads_that_lie_about_their_type_or_are_too_large_are_refused(
    harness: Harness, attachment_dir: Path
) -> None:
    h = harness
    me = h.resident(f"hh-{uuid.uuid4().hex[:6]}")
    # an HTML page named photo.jpg and declared image/jpeg
    r = await h.client.post(
        "/api/v1/work-order-attachments",
        headers=me,
        files={"file": ("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")},
    )
    assert r.status_code == 415
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "attachment.type_not_allowed"
    # a Windows executable named report.pdf
    r = await h.client.post(
        "/api/v1/work-order-attachments",
        headers=me,
        files={"file": ("report.pdf", b"MZ\x90\x00" + bytes(64), "application/pdf")},
    )
    assert r.status_code == 415
    # a real JPEG past the limit (64 KiB in these tests)
    big = JPEG + bytes(h.settings.attachment_max_bytes)
    r = await h.client.post(
        "/api/v1/work-order-attachments", headers=me, files={"file": ("big.jpg", big, "image/jpeg")}
    )
    assert r.status_code == 413 and r.json()["code"] == "attachment.too_large"
    assert r.json()["max_bytes"] == h.settings.attachment_max_bytes
    # a PNG named .txt and declared text/plain is a PNG: the content decides
    ok = await h.upload(
        me, b"\x89PNG\r\n\x1a\n" + bytes(10), name="notes.txt", content_type="text/plain"
    )
    assert ok["content_type"] == "image/png"
    # nothing refused was stored; the accepted one was, under the configured directory
    stored = files_under(attachment_dir)
    assert [p.name for p in stored if ok["id"] in p.name] == [f"{ok['id']}.png"]
    # before it is linked to a case only the uploader may fetch it
    r = await h.client.get(f"/api/v1/work-order-attachments/{ok['id']}/content", headers=me)
    assert r.status_code == 200
    r = await h.client.get(
        f"/api/v1/work-order-attachments/{ok['id']}/content", headers=h.resident("hh-someone")
    )
    assert r.status_code == 404
    # someone else's upload cannot be attached to my case
    r = await h.client.post(
        "/api/v1/work-orders",
        headers=h.resident("hh-x", sub="u-x"),
        json={
            "case_type": "repair",
            "title": "t",
            "community_id": "c-1",
            "household_id": "hh-x",
            "attachment_ids": [ok["id"]],
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "attachment.not_usable"


def test_sniff_knows_the_allowed_kinds() -> None:
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(PDF) == "application/pdf"
    assert sniff(MP4) == "video/mp4"
    assert sniff(WEBP) == "image/webp"
    assert sniff(GIF) == "image/gif"
    assert sniff(b"PK\x03\x04") is None
    assert sniff(b"") is None


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server, a real HTTP server on loopback."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


async def test_s3_store_puts_gets_and_deletes_over_http(s3_endpoint: str) -> None:
    store = S3ObjectStore(
        s3_endpoint,
        "wo-test",
        region="us-east-1",
        access_key="testing",
        secret_key="testing",
        create_bucket=True,
    )
    await store.start()
    await store.start()  # the bucket exists already: fine
    try:
        key = "2026/11/24/some id+odd.jpg"
        await store.put(key, JPEG, "image/jpeg")
        assert await store.get(key) == JPEG
        await store.delete(key)
        assert await store.get(key) is None
    finally:
        await store.close()


def test_sigv4_matches_the_aws_documented_example() -> None:
    """The GET-object example of the S3 SigV4 documentation, signature and all."""
    headers = sigv4_headers(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        b"",
        region="us-east-1",
        access_key="AKIAIOSFODNN7EXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        now=datetime(2013, 5, 24, tzinfo=UTC),
        extra={"Range": "bytes=0-9"},
    )
    assert headers["authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


async def test_local_store_refuses_keys_that_escape_its_directory(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    await store.start()
    with pytest.raises(ValueError, match="bad object key"):
        await store.put("../outside.jpg", JPEG, "image/jpeg")
    await store.put("a/b.jpg", JPEG, "image/jpeg")
    assert await store.get("a/b.jpg") == JPEG
    assert await store.get("a/none.jpg") is None


async def test_a_case_photo_goes_to_the_s3_store_when_configured(
    s3_endpoint: str,
    fresh_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> None:
    settings = make_settings(
        fresh_database_url,
        kafka_bootstrap,
        kafka_idempotence,
        jwks_url,
        object_store="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket="wo-api",
        s3_access_key="testing",
        s3_secret_key="testing",
        s3_create_bucket=True,
    )
    async with start_harness(settings, issuer) as h:
        me = h.resident("hh-s3", sub="u-s3")
        photo = await h.upload(me, JPEG)
        wo = await h.create(
            me,
            case_type="repair",
            title="Broken tile",
            community_id="c-s3",
            household_id="hh-s3",
            attachment_ids=[photo["id"]],
        )
        assert wo["attachment_ids"] == [photo["id"]]
        r = await h.client.get(f"/api/v1/work-order-attachments/{photo['id']}/content", headers=me)
        assert r.status_code == 200 and r.content == JPEG
        # it really is in the bucket, read back with our own client
        store = S3ObjectStore(
            s3_endpoint, "wo-api", region="us-east-1", access_key="testing", secret_key="testing"
        )
        try:
            r2 = await store._request("GET", store._url() + "?list-type=2")
            assert photo["id"] in r2.text
        finally:
            await store.close()


async def test_unlinked_uploads_have_a_quota_per_user_and_expire(
    harness: Harness, attachment_dir: Path
) -> None:
    """Issue 30.9: 12 x 9 MB were taken from a resident, never linked, never deleted. A
    user holds at most ATTACHMENT_UNLINKED_MAX_COUNT uploads not on a case; those expire
    (rows and content) after ATTACHMENT_UNLINKED_TTL_S; an upload on a case stays."""
    h = harness
    household = f"hh-{uuid.uuid4().hex[:6]}"
    me = h.resident(household, sub=f"res-{household}")
    kept = await h.upload(me)
    wo = await h.create(
        me,
        case_type="repair",
        title="Tap drips",
        community_id=f"c-{uuid.uuid4().hex[:8]}",
        household_id=household,
        attachment_ids=[kept["id"]],
    )
    assert wo["attachment_ids"] == [kept["id"]]
    cap = h.settings.attachment_unlinked_max_count
    loose = [await h.upload(me) for _ in range(cap)]  # the one on a case does not count
    for language, start in (("zh-CN", "尚未添加到工单的文件过多"), ("en", "You have too many")):
        refused = await h.client.post(
            "/api/v1/work-order-attachments",
            files={"file": ("photo.jpg", JPEG, "image/jpeg")},
            headers={**me, "Accept-Language": language},
        )
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "attachment.quota_exceeded"
        assert refused.json()["detail"].startswith(start)
    other = h.resident(household, sub=f"other-{household}")  # another user has their own
    await h.upload(other)

    stored = len(files_under(attachment_dir))
    later = datetime.now(UTC) + timedelta(seconds=h.settings.attachment_unlinked_ttl_s + 60)
    assert await h.usecases.attachments.expire_unlinked(now=later) >= cap + 1
    for gone in loose:
        r = await h.content(gone["id"], me)
        assert r.status_code == 404 and r.json()["code"] == "attachment.not_found"
    assert len(files_under(attachment_dir)) <= stored - (cap + 1)
    r = await h.content(kept["id"], me)
    assert r.status_code == 200 and r.content == JPEG  # on a case: kept
    await h.upload(me)  # room again
