"""Verification codes and the certificate PDF: the QR code read back from the rendered page
leads to the check URL of the printed code, and the Chinese text is really in the file."""

from __future__ import annotations

import re
from datetime import date, datetime

import pypdfium2 as pdfium
import pytest
import zxingcpp

from gov_affairs.adapters.certificate_pdf import render_certificate, verify_url
from gov_affairs.adapters.pdf import cjk_font
from gov_affairs.domain import certificates as cert
from gov_affairs.domain.defaults import OLD_AGE_ALLOWANCE

FACTS = {
    "form": {"name": "王秀英", "id_number": "11010519450312002X"},
    "subject": {"age": 81},
    "benefit": {"band": "80至89周岁 80 to 89", "monthly_amount": "100.00"},
}


def test_codes_have_the_shape_and_a_valid_check_character() -> None:
    codes = {cert.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:200]:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
        assert cert.normalise(code) == code


def test_what_people_type_is_normalised() -> None:
    code = cert.new_code()
    typed = code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    assert cert.normalise(typed) == code
    assert cert.digest(typed) == cert.digest(code)


def test_every_single_character_typo_is_caught() -> None:
    code = cert.new_code().replace("-", "")
    for i in range(16):
        for c in cert.ALPHABET:
            if c != code[i]:
                with pytest.raises(cert.MalformedCode):
                    cert.normalise(code[:i] + c + code[i + 1 :])


def test_most_neighbour_swaps_are_caught() -> None:
    caught = total = 0
    for _ in range(200):
        code = cert.new_code().replace("-", "")
        for i in range(15):
            if code[i] == code[i + 1]:
                continue
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            total += 1
            try:
                cert.normalise(swapped)
            except cert.MalformedCode:
                caught += 1
    assert caught / total > 0.95


@pytest.mark.parametrize("bad", ["", "ABCD-EFGH", "UUUU-UUUU-UUUU-UUUU", "7KQ2-M9XA-PT4C-Z8HB-1"])
def test_malformed_codes(bad: str) -> None:
    with pytest.raises(cert.MalformedCode):
        cert.normalise(bad)


def test_masks() -> None:
    assert cert.mask_name("王秀英") == "王*英"
    assert cert.mask_name("李明") == "李*"
    assert cert.mask_name("欧阳娜娜") == "欧**娜"
    assert cert.mask_id_number("11010519450312002X") == "110***********002X"


def test_standing() -> None:
    assert cert.standing(date(2026, 1, 1), None, date(2026, 1, 1)) == "valid"
    assert cert.standing(date(2026, 1, 1), None, date(2026, 1, 2)) == "expired"
    assert cert.standing(None, datetime(2026, 1, 1), date(2025, 1, 1)) == "revoked"


def content() -> cert.CertificateContent:
    template = OLD_AGE_ALLOWANCE.certificate
    assert template is not None
    return cert.compose(
        template, FACTS, code=cert.new_code(), number="GA-2026-000001", issued_on=date(2026, 3, 3)
    )


def test_compose_fills_and_masks() -> None:
    c = content()
    values = {line.label.zh: line.value for line in c.lines}
    assert values == {
        "姓名": "王秀英",
        "身份证号码": "110***********002X",
        "年龄": "81",
        "补贴档次": "80至89周岁 80 to 89",
        "补贴标准（元/月）": "100.00",
    }
    assert c.valid_until == date(2027, 3, 3)


def test_the_pdf_embeds_the_font_carries_the_text_and_its_qr_leads_to_the_check() -> None:
    c = content()
    pdf = render_certificate(c, "https://sq.example.gov.cn")
    assert pdf.startswith(b"%PDF-")
    font, embedded = cjk_font()
    assert (font, embedded) == ("NotoSansSC", True)
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == 1
    page = doc[0]
    text = page.get_textpage().get_text_range()
    for expected in (
        "高龄补贴核定通知书",
        "王秀英",
        "110***********002X",
        c.code,
        "幸福里社区居民委员会",
        "2026-03-03",
        "有效期至",
    ):
        assert expected in text, expected
    assert "11010519450312002X" not in text  # the full ID number is never printed
    image = page.render(scale=3).to_pil()
    found = zxingcpp.read_barcodes(image)
    assert [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode] == [
        verify_url("https://sq.example.gov.cn", c.code)
    ]
    assert doc.get_metadata_dict()["Keywords"] == f"verification-code:{c.code}"
