"""CAP 1.2 documents for the warning tests: a Shenzhen typhoon warning (台风橙色预警) in
zh-CN and en with a polygon, a circle, a geocode (GB/T 2260 行政区划代码) and an area only
a person can place, as the Shenzhen meteorological observatory words one; its Cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
SENDER = "szmb@weather.sz.gov.cn"


def cap_time(at: datetime) -> str:
    return at.astimezone(CST).replace(microsecond=0).isoformat()


def typhoon(identifier: str, *, status: str = "Actual", sent: datetime | None = None) -> str:
    sent = sent or datetime.now(UTC)
    expires = cap_time(datetime.now(UTC) + timedelta(days=1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>{SENDER}</sender>
  <sent>{cap_time(sent)}</sent>
  <status>{status}</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>台风预警</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>深圳市气象台</senderName>
    <headline>深圳市气象台发布台风橙色预警信号</headline>
    <description>受台风“海葵”影响，预计未来12小时内本市将出现10级以上大风和暴雨。</description>
    <instruction>老人请留在室内，关好门窗，远离临时搭建物，备好饮用水和常用药。</instruction>
    <expires>{expires}</expires>
    <area>
      <areaDesc>南山区蛇口片区</areaDesc>
      <polygon>22.50,113.90 22.50,113.96 22.56,113.96 22.56,113.90 22.50,113.90</polygon>
    </area>
    <area>
      <areaDesc>大铲岛周边</areaDesc>
      <circle>22.40,113.80 3</circle>
    </area>
    <area>
      <areaDesc>福田区</areaDesc>
      <geocode><valueName>行政区划代码</valueName><value>440304</value></geocode>
    </area>
    <area>
      <areaDesc>深圳湾沿岸低洼地带</areaDesc>
    </area>
  </info>
  <info>
    <language>en-US</language>
    <category>Met</category>
    <event>Typhoon</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>Shenzhen Meteorological Observatory</senderName>
    <headline>Orange typhoon warning for Shenzhen</headline>
    <instruction>Elders should stay indoors, close doors and windows,
      keep water and medicines at hand.</instruction>
    <expires>{expires}</expires>
    <area>
      <areaDesc>Shekou, Nanshan</areaDesc>
      <polygon>22.50,113.90 22.50,113.96 22.56,113.96 22.56,113.90 22.50,113.90</polygon>
    </area>
  </info>
</alert>"""


def cancel(identifier: str, of: str, of_sent: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>{SENDER}</sender>
  <sent>{cap_time(datetime.now(UTC))}</sent>
  <status>Actual</status>
  <msgType>Cancel</msgType>
  <scope>Public</scope>
  <references>{SENDER},{of},{of_sent}</references>
</alert>"""
