"""Must show: the domain's refusals read in zh-CN and English, name states in words and
keep a stable code (issue 18, item 5): an English-only refusal cannot be written."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from gov_affairs.domain import activities as act
from gov_affairs.domain import alterations as alt
from gov_affairs.domain import notices as nt
from gov_affairs.domain import welfare as w
from gov_affairs.domain.forms import FormSchemaError, check_form_schema
from gov_affairs.domain.text import Refusal

CJK = re.compile(r"[\u3400-\u9fff]")
START = datetime(2026, 6, 19, 9, tzinfo=UTC)


def bilingual(refusal: Refusal) -> None:
    assert CJK.search(refusal.zh), refusal.zh
    assert not CJK.search(refusal.message), refusal.message
    assert str(refusal) == refusal.message
    assert refusal.text.zh == refusal.zh and refusal.text.en == refusal.message
    assert re.fullmatch(r"[a-z_]+\.[a-z_]+", refusal.code), refusal.code


def test_a_refusal_without_chinese_cannot_be_made() -> None:
    with pytest.raises(TypeError):
        act.ActivityError("activity.bad_rating", "A rating is 1 to 5 stars")  # type: ignore[call-arg]


def test_a_state_is_named_in_words_not_as_its_code() -> None:
    a = act.Activity(
        title="端午包粽子",
        description="邻里一起包粽子",
        venue="社区活动室",
        community_id="c1",
        audience={"places": [{"type": "community", "id": "c1"}]},
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        capacity=3,
        max_party=2,
        organiser="admin-1",
    )
    with pytest.raises(act.ActivityError) as caught:
        act.move(a, "announce", "admin-2")
    bilingual(caught.value)
    assert caught.value.zh == "活动尚在策划，不能这样操作"
    assert caught.value.message == "This cannot be done while the activity is still being planned"
    assert set(act.STATUS_WORDS) == set(act.Status.__args__)
    assert set(nt.STATUS_WORDS) == set(nt.Status.__args__)
    assert set(alt.STATUS_WORDS) == set(alt.Status.__args__)


def test_welfare_and_form_refusals_carry_both_languages() -> None:
    with pytest.raises(w.WelfareError) as card:
        w.parse_disability_card("123")
    bilingual(card.value)
    assert card.value.zh == "残疾人证号为20位"
    with pytest.raises(w.WelfareError) as id_number:  # the ID number's own refusal, passed on
        w.parse_disability_card("11010519450312002X42")
    assert CJK.search(id_number.value.zh) and id_number.value.code.startswith("id")
    with pytest.raises(FormSchemaError) as form:
        check_form_schema({"type": "object", "properties": {"a": {"type": "string"}}})
    bilingual(form.value)
    assert form.value.code == "form.schema_title"
    assert form.value.zh == "a：字段须有中文标题（title）和英文标题（x-title-en）"
