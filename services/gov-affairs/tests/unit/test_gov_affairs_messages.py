"""Every message exists in Chinese and in English, each in one language only."""

from __future__ import annotations

import re

from gov_affairs.domain.messages import TEMPLATES, render

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_each_template_has_both_languages_and_no_mixed_sentence() -> None:
    for t in TEMPLATES.values():
        assert t.code.startswith("gov.")
        assert HAN.search(t.zh_title + t.zh_body), t.code
        assert not HAN.search(t.en_title + t.en_body), t.code
        # the English side uses the English names of what the Chinese side names
        zh_vars = set(re.findall(r"\{([a-z_]+)\}", t.zh_title + t.zh_body))
        en_vars = set(re.findall(r"\{([a-z_]+)\}", t.en_title + t.en_body))
        for name in zh_vars - {
            "place",
            "due",
            "code",
            "number",  # a permit's number, the same in both languages
            "valid_until",  # an ISO date
            "date",
            "days",
            "time",
            "closes",
            "capacity",
            "title",
            "activity",
            "venue",
            "excerpt",
            "summary",
            "note",
            "reason",
            "hours",  # figures: the volunteer number, hours
            "total",
            "service",  # as written, like a title
        }:
            assert f"{name}_en" in en_vars, (t.code, name)


def test_render() -> None:
    title, body = render(
        "gov.application.approved",
        "zh-CN",
        {"item": "高龄补贴申请", "result": "补贴标准每月100元。", "code": "7KQ2-M9XA-PT4C-Z8HB"},
    )
    assert title == "“高龄补贴申请”已办结"
    assert (
        body
        == "您申请的“高龄补贴申请”已审核通过。补贴标准每月100元。证明验证码：7KQ2-M9XA-PT4C-Z8HB。"
    )
    title, _ = render("gov.application.approved", "en", {"item_en": "Old-age allowance"})
    assert title == "Old-age allowance: approved"
