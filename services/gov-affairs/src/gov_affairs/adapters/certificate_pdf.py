"""The certificate as a one-page A4 PDF: title, statement, the certified facts, issuer and
date, and at the foot the verification code beside a QR code of the public check URL."""

from __future__ import annotations

from gov_affairs.adapters.pdf import PAGE_H, PAGE_W, new_document
from gov_affairs.domain.certificates import CertificateContent

RED = (0.75, 0.1, 0.1)
GREY = (0.35, 0.35, 0.35)
MARGIN = 56.0


def verify_url(base_url: str, code: str) -> str:
    """The public check page of a code (``base_url`` is the platform's public address)."""
    return f"{base_url.rstrip('/')}/api/v1/certificates/verify/{code}"


def render_certificate(content: CertificateContent, base_url: str) -> bytes:
    url = verify_url(base_url, content.code)
    buf, page = new_document(
        title=f"{content.title.zh} {content.title.en}",
        author=content.issuer.zh,
        subject=content.number,
        keywords=f"verification-code:{content.code}",
    )
    c = page.canvas
    # frame
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(2.4)
    c.rect(MARGIN / 2, MARGIN / 2, PAGE_W - MARGIN, PAGE_H - MARGIN)
    c.setLineWidth(0.8)
    c.rect(MARGIN / 2 + 5, MARGIN / 2 + 5, PAGE_W - MARGIN - 10, PAGE_H - MARGIN - 10)

    width = PAGE_W - 2 * MARGIN
    y = PAGE_H - MARGIN - 18
    page.text(PAGE_W - MARGIN, y, f"编号 No. {content.number}", 9, align="right", color=GREY)
    y -= 52
    page.text(PAGE_W / 2, y, content.title.zh, 24, bold=True, align="center", color=RED)
    y -= 24
    page.text(PAGE_W / 2, y, content.title.en, 12, align="center", color=GREY)
    y -= 44
    y = page.paragraph(MARGIN, y, content.statement.zh, 13, width)
    y = page.paragraph(MARGIN, y - 2, content.statement.en, 10, width, color=GREY)
    y -= 16
    for line in content.lines:
        page.text(MARGIN, y, line.label.zh, 12, bold=True)
        page.text(MARGIN, y - 14, line.label.en, 8.5, color=GREY)
        y = page.paragraph(MARGIN + 150, y, line.value, 12, width - 150)
        y = min(y, y - 4) - 14
        c.setStrokeColorRGB(0.85, 0.85, 0.85)
        c.setLineWidth(0.4)
        c.line(MARGIN, y + 14, PAGE_W - MARGIN, y + 14)
    y -= 30
    page.text(PAGE_W - MARGIN, y, content.issuer.zh, 13, bold=True, align="right")
    page.text(PAGE_W - MARGIN, y - 16, content.issuer.en, 9, align="right", color=GREY)
    page.text(
        PAGE_W - MARGIN, y - 36, f"签发日期 Issued {content.issued_on:%Y-%m-%d}", 11, align="right"
    )
    if content.valid_until:
        page.text(
            PAGE_W - MARGIN,
            y - 54,
            f"有效期至 Valid until {content.valid_until:%Y-%m-%d}",
            11,
            align="right",
        )

    # verification block
    qr_size = 110.0
    base = MARGIN + 8
    page.qr(MARGIN, base, url, qr_size)
    tx = MARGIN + qr_size + 16
    page.text(tx, base + qr_size - 16, "验证码 Verification code", 10, color=GREY)
    page.text(tx, base + qr_size - 40, content.code, 18, bold=True)
    page.paragraph(
        tx,
        base + qr_size - 64,
        "扫描二维码或在平台“证明核验”中输入验证码，即可核验本证明的真实性与有效状态。",
        9.5,
        PAGE_W - MARGIN - tx,
    )
    page.paragraph(
        tx,
        base + 18,
        "Scan the QR code, or enter the code under Verify a certificate, to check that this "
        "certificate is genuine and still valid.",
        8,
        PAGE_W - MARGIN - tx,
        leading=10,
        color=GREY,
    )
    c.showPage()
    c.save()
    return buf.getvalue()
