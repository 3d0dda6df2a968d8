"""Material files are taken for what their bytes are, not what their name says."""

from __future__ import annotations

from gov_affairs.usecases.files import sniff


def test_sniff_by_content() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == "image/png"
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"<html><script>") is None
    assert sniff(b"MZ\x90\x00") is None  # an executable named photo.jpg
