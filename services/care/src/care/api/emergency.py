"""The reason a doctor gives for an emergency read (``X-Emergency-Reason``).

An HTTP header carries ISO-8859-1 at best and a browser's ``fetch`` refuses anything
else, so a reason in Chinese travels percent-encoded: plainly (``encodeURIComponent``, as
the console sends it) or in the RFC 8187 shape (``UTF-8''%E6%98%8F...``). A plain ASCII
reason, as before, is taken as it is. The decoded reason is what is audited.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from sc_core.errors import Problem

MAX_REASON = 200  # characters, decoded
MAX_HEADER = 9 * MAX_REASON + len("UTF-8''")  # a CJK character is 9 encoded octets


def _invalid(en: str, zh: str) -> Problem:
    return Problem(422, "care.emergency_reason_invalid", en, zh=zh)


def decode_reason(raw: str | None) -> str | None:
    """The reason in words, or ``None`` when none is given."""
    if raw is None:
        return None
    text = raw.strip()
    parts = text.split("'", 2)
    if len(parts) == 3 and parts[0].lower() in ("utf-8", "us-ascii"):
        text = parts[2]  # RFC 8187: charset'language'value-chars
    try:
        reason = unquote(text, encoding="utf-8", errors="strict").strip()
    except UnicodeDecodeError:
        raise _invalid(
            "The emergency reason is not valid UTF-8 percent-encoding",
            "紧急调阅理由的编码无效（须为 UTF-8 百分号编码）",
        ) from None
    if len(reason) > MAX_REASON:
        raise _invalid(
            f"The emergency reason is longer than {MAX_REASON} characters",
            f"紧急调阅理由不能超过{MAX_REASON}个字",
        )
    if any(unicodedata.category(ch).startswith("C") for ch in reason):
        raise _invalid(
            "The emergency reason holds control characters",
            "紧急调阅理由含有控制字符",
        )
    return reason or None
