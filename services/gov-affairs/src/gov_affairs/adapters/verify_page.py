"""The public check of a certificate as a small page (what a phone shows after scanning the
QR code); programs get the same facts as JSON from the same URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from gov_affairs.domain.certificates import Standing
from gov_affairs.domain.text import Text

STANDING = {
    "valid": (Text(zh="有效", en="Valid"), "#1a7f37"),
    "expired": (Text(zh="已过期", en="Expired"), "#9a6700"),
    "revoked": (Text(zh="已撤销", en="Revoked"), "#cf222e"),
}


@dataclass(frozen=True)
class PublicCheck:
    """All the public check reveals about a certificate."""

    code: str
    title: Text
    holder_masked: str
    issuer: Text
    issued_on: date
    valid_until: date | None
    standing: Standing


def render_found(c: PublicCheck) -> str:
    label, colour = STANDING[c.standing]
    until = (
        f"<tr><th>有效期至<br><small>Valid until</small></th><td>{c.valid_until:%Y-%m-%d}</td></tr>"
        if c.valid_until
        else ""
    )
    rows = "".join(
        f"<tr><th>{escape(k.zh)}<br><small>{escape(k.en)}</small></th><td>{v}</td></tr>"
        for k, v in (
            (Text(zh="证明", en="Certificate"), _both(c.title)),
            (Text(zh="持有人", en="Holder"), escape(c.holder_masked)),
            (Text(zh="出具单位", en="Issued by"), _both(c.issuer)),
            (Text(zh="签发日期", en="Issued"), f"{c.issued_on:%Y-%m-%d}"),
        )
    )
    body = (
        f'<p class="standing" style="color:{colour}">{_both(label, " ")}</p>'
        f"<table>{rows}{until}"
        f"<tr><th>验证码<br><small>Code</small></th><td><code>{escape(c.code)}</code></td></tr>"
        "</table>"
    )
    return _page("证明核验结果 Certificate check", body)


def render_not_found(reason: Text) -> str:
    body = f'<p class="standing" style="color:#cf222e">{_both(reason)}</p>'
    return _page("证明核验结果 Certificate check", body)


def _both(t: Text, sep: str = "<br>") -> str:
    return f"{escape(t.zh)}{sep}<small>{escape(t.en)}</small>"


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body{{font-family:system-ui,"PingFang SC","Noto Sans SC",sans-serif;margin:1.5rem;color:#1f2328}}
h1{{font-size:1.3rem}} .standing{{font-size:1.6rem;font-weight:600}}
table{{border-collapse:collapse;width:100%;max-width:36rem}}
th,td{{text-align:left;padding:.5rem;border-bottom:1px solid #d0d7de;vertical-align:top}}
th{{width:7rem;font-weight:500}} small{{color:#59636e}}
</style></head>
<body><h1>证明核验结果 <small>Certificate check</small></h1>{body}</body></html>
"""
