"""Comment themes and polarity (with their limits), periods in Beijing time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from evaluation.domain.periods import Granularity, parse_period, period_of, periods_of
from evaluation.domain.themes import polarity, scrub, summarise, theme


def test_comments_are_themed_and_scored() -> None:
    c = theme("电梯坏了三天没人管，太慢了")
    assert set(c.themes) >= {"facilities", "response", "repair"} and c.polarity < 0
    assert theme("师傅上门维修很及时，态度也很好，感谢！").polarity > 0
    assert polarity("晚上感觉不安全") < 0  # not 安全 (positive) after 不
    assert polarity("处理得不及时") < 0 and polarity("还算不错") > 0
    assert theme("The lift is broken").themes == ()  # other languages are not themed


def test_quotes_are_scrubbed() -> None:
    text = scrub("我是3号楼2单元1201室的，电话13812345678，身份证110101199003071234")
    assert "13812345678" not in text and "110101199003071234" not in text and "1201" not in text
    assert scrub("住在 1-2-301，请回电") == "住在 ［房号］，请回电"


def test_summary_orders_themes_and_keeps_other_last() -> None:
    groups = summarise(
        ["垃圾没人清理", "垃圾分类做得好", "电梯经常停", "随便说说", "", "垃圾桶满了"]
    )
    assert groups[0].code == "environment" and groups[0].count == 3
    assert groups[-1].code == "other" and groups[-1].count == 1
    assert groups[0].positive == 1 and groups[0].negative == 1


def test_periods_in_beijing_time() -> None:
    late = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January 2027 in Beijing
    assert [p.key for p in periods_of(late)] == ["2027-01-01", "2027-01", "2027-Q1", "2027"]
    nov = parse_period("2026-11")
    assert nov.previous().key == "2026-10" and parse_period("2026-Q1").previous().key == "2025-Q4"
    assert nov.label() == "2026年11月" and nov.label("en") == "November 2026"
    assert parse_period("2026-Q4").label() == "2026年第4季度"
    assert len(nov.days()) == 30 and period_of(late, Granularity.YEAR).key == "2027"
    with pytest.raises(ValueError, match="not a period"):
        parse_period("2026-13")
    with pytest.raises(ValueError, match="time zone"):
        periods_of(datetime(2026, 1, 1))  # a moment without a time zone
