"""CAP 1.2: parsing, checks, targeting by polygon/circle/geocode, plain words, audience."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from care.adapters.cap import CapError, parse_cap
from care.domain.warnings import Place, plain_words, target

ALERT = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>SH-MET-20261203-0007</identifier>
  <sender>shanghai-meteorological-bureau</sender>
  <sent>2026-12-03T06:30:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>寒潮预警</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>上海中心气象台</senderName>
    <headline>上海中心气象台发布寒潮橙色预警</headline>
    <description>受强冷空气影响，未来24小时内气温将下降10℃以上，最低气温-3℃。</description>
    <instruction>老人减少外出，注意保暖，做好水管防冻。</instruction>
    <expires>2026-12-04T18:00:00+08:00</expires>
    <area>
      <areaDesc>黄浦区</areaDesc>
      <polygon>31.20,121.46 31.20,121.50 31.25,121.50 31.25,121.46 31.20,121.46</polygon>
    </area>
    <area>
      <areaDesc>静安区部分</areaDesc>
      <circle>31.30,121.44 2</circle>
    </area>
    <area>
      <areaDesc>徐汇区</areaDesc>
      <geocode><valueName>行政区划代码</valueName><value>310104</value></geocode>
    </area>
  </info>
  <info>
    <language>en-US</language>
    <category>Met</category>
    <event>Cold wave</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <headline>Orange cold-wave warning for Shanghai</headline>
    <instruction>Elders should stay indoors and keep warm.</instruction>
    <expires>2026-12-04T18:00:00+08:00</expires>
    <area><areaDesc>Huangpu</areaDesc>
      <polygon>31.20,121.46 31.20,121.50 31.25,121.50 31.25,121.46 31.20,121.46</polygon>
    </area>
  </info>
</alert>"""

NOW = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
NS12 = "urn:oasis:names:tc:emergency:cap:1.2"
RING = "31.25,121.46 31.20,121.46</polygon>\n    </area>\n    <area>\n      <areaDesc>静安"
OPEN_RING = "31.25,121.46</polygon>\n    </area>\n    <area>\n      <areaDesc>静安"


def test_a_chinese_cold_wave_alert_parses():
    a = parse_cap(ALERT)
    assert (a.identifier, a.status, a.msg_type, a.scope) == (
        "SH-MET-20261203-0007", "Actual", "Alert", "Public",
    )  # fmt: skip
    zh = a.infos[0]
    assert zh.event == "寒潮预警" and zh.severity == "Severe" and zh.chinese
    assert zh.areas[1].circles[0].radius_m == 2000
    assert zh.areas[2].geocodes == (("行政区划代码", "310104"),)
    assert a.expires() == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def test_targeting_by_polygon_circle_and_geocode():
    places = [
        Place("b-huangpu", 31.23, 121.47),
        Place("b-jingan", 31.305, 121.445),  # ~700 m from the circle's centre
        Place("b-xuhui", 31.18, 121.43, {"行政区划代码": "310104"}),
        Place("b-pudong", 31.22, 121.54, {"行政区划代码": "310115"}),
    ]
    t = target(parse_cap(ALERT), places)
    assert t.place_ids == {"b-huangpu", "b-jingan", "b-xuhui"}
    assert t.untargetable_areas == ()


def test_an_area_with_only_a_description_is_handed_to_a_person():
    doc = ALERT.replace(
        "<areaDesc>黄浦区</areaDesc>\n      <polygon>31.20,121.46 31.20,121.50 31.25,121.50 "
        "31.25,121.46 31.20,121.46</polygon>",
        "<areaDesc>黄浦区</areaDesc>",
    )
    t = target(parse_cap(doc), [Place("b-huangpu", 31.23, 121.47)])
    assert "黄浦区" in t.untargetable_areas


def test_plain_words_in_each_language():
    w = plain_words(parse_cap(ALERT))
    assert w["title_zh"] == "寒潮橙色预警"
    assert w["body_zh"].splitlines() == [
        "上海中心气象台发布寒潮橙色预警",
        "受强冷空气影响，未来24小时内气温将下降10℃以上，最低气温-3℃。",
        "请注意：老人减少外出，注意保暖，做好水管防冻。",
        "有效期至12月4日 18:00。",
    ]
    assert w["title_en"] == "Cold wave: orange warning"
    assert w["body_en"].endswith("Valid until 4 Dec 18:00.")


def test_a_chinese_only_alert_gives_whole_chinese_text_for_english_readers():
    start = ALERT.index("  <info>\n    <language>en-US")
    doc = ALERT[:start] + "</alert>"
    w = plain_words(parse_cap(doc))
    assert w["title_en"] == w["title_zh"] == "寒潮橙色预警"


def test_cancel_and_audience():
    cancel = ALERT.replace("<msgType>Alert</msgType>", "<msgType>Cancel</msgType>").replace(
        "<scope>Public</scope>",
        "<scope>Public</scope>\n  <references>shanghai-meteorological-bureau,SH-MET-20261203-0007,"
        "2026-12-03T06:30:00+08:00</references>",
    )
    a = parse_cap(cancel)
    assert a.references == (
        ("shanghai-meteorological-bureau", "SH-MET-20261203-0007", "2026-12-03T06:30:00+08:00"),
    )
    assert plain_words(a)["title_zh"] == "寒潮预警已解除"
    assert parse_cap(ALERT).audience(NOW) == "residents"
    assert parse_cap(ALERT.replace(">Actual<", ">Exercise<")).audience(NOW) == "staff"
    assert parse_cap(ALERT.replace(">Actual<", ">Test<")).audience(NOW) == "none"
    assert parse_cap(ALERT.replace(">Public<", ">Restricted<")).audience(NOW) == "none"
    assert parse_cap(ALERT).audience(datetime(2026, 12, 5, tzinfo=UTC)) == "none"  # expired


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("<status>Actual</status>", "<status>Real</status>"), "care.cap_invalid"),
        (("<severity>Severe</severity>", "<severity>High</severity>"), "care.cap_invalid"),
        (("2026-12-03T06:30:00+08:00", "2026-12-03T06:30:00Z"), "care.cap_invalid"),
        (("<identifier>SH-MET-20261203-0007</identifier>", ""), "care.cap_invalid"),
        (("<msgType>Alert</msgType>", "<msgType>Update</msgType>"), "care.cap_invalid"),
        ((RING, OPEN_RING), "care.cap_invalid"),
        (("<circle>31.30,121.44 2</circle>", "<circle>31.30,121.44</circle>"), "care.cap_invalid"),
        ((NS12, NS12[:-1] + "1"), "care.cap_not_cap12"),
        (("</alert>", ""), "care.cap_not_xml"),
    ],
)  # fmt: skip
def test_malformed_alerts_are_refused_with_words(change, code):
    old, new = change
    assert old in ALERT
    with pytest.raises(CapError) as info:
        parse_cap(ALERT.replace(old, new, 1))
    assert info.value.code == code
    assert info.value.zh and info.value.en


def test_entity_tricks_are_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>'
    )
    with pytest.raises(CapError) as info:
        parse_cap(bomb)
    assert info.value.code == "care.cap_not_xml"
