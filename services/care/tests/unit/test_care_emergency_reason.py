"""A doctor's emergency reason in Chinese travels percent-encoded (a browser's header
carries no Chinese): plain, RFC 8187, or plain ASCII as before."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from care.api.emergency import MAX_HEADER, decode_reason
from sc_core.errors import Problem

REASON = "老人昏迷，急救需要用药史"


def test_the_reason_is_decoded_whichever_way_it_is_sent():
    assert decode_reason(quote(REASON, safe="")) == REASON  # encodeURIComponent
    assert decode_reason("UTF-8''" + quote(REASON, safe="")) == REASON  # RFC 8187
    assert decode_reason("utf-8'zh-CN'" + quote(REASON, safe="")) == REASON
    assert decode_reason("unconscious, needs drug history") == "unconscious, needs drug history"
    assert decode_reason("dose at 50%") == "dose at 50%"  # not an escape: kept as it is
    assert decode_reason(None) is None and decode_reason("  ") is None


def test_the_longest_reason_fits_the_header():
    longest = "急" * 200
    encoded = "UTF-8''" + quote(longest, safe="")
    assert len(encoded) <= MAX_HEADER and decode_reason(encoded) == longest


@pytest.mark.parametrize(
    ("raw", "zh"),
    [
        ("%E6%98", "编码无效"),  # half a character
        (quote("急" * 201, safe=""), "不能超过200个字"),
        ("line%0Abreak", "控制字符"),
    ],
)
def test_a_broken_reason_is_refused_in_words(raw, zh):
    with pytest.raises(Problem) as err:
        decode_reason(raw)
    assert err.value.status == 422 and err.value.code == "care.emergency_reason_invalid"
    assert err.value.zh is not None and zh in err.value.zh
