"""Who a CAP warning tells (elders 60 and over, their guardians and the family whose
consent asks to be told), geocodes naming a city or province, buildings without a point."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from care.adapters.cap import parse_cap
from care.domain.consent import Category, Grant, Relation, Subject
from care.domain.warning_audience import delivery, is_elderly, state_of, told_of_warning
from care.domain.warnings import CapArea, Place, target

AT = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def test_the_elderly_are_sixty_and_over():
    assert is_elderly(date(1966, 12, 3), AT.date())
    assert not is_elderly(date(1966, 12, 4), AT.date())


def test_an_elder_their_guardians_and_the_family_asking_to_be_told():
    s = Subject("p-1", date(1940, 1, 1), "u-elder", frozenset({"u-guard"}), has_capacity=False)
    grants = [
        Grant("g1", "p-1", "u-daughter", Relation.FAMILY, frozenset({Category.VITALS}),
              AT - timedelta(days=1), notify=True),
        Grant("g2", "p-1", "u-son", Relation.FAMILY, frozenset({Category.VITALS}),
              AT - timedelta(days=1), notify=False),
        Grant("g3", "p-1", "u-former", Relation.FAMILY, frozenset({Category.VITALS}),
              AT - timedelta(days=9), notify=True, revoked_at=AT - timedelta(days=1)),
    ]  # fmt: skip
    assert told_of_warning(s, grants, AT) == ["u-elder", "u-guard", "u-daughter"]
    alone = Subject("p-2", date(1940, 1, 1))
    assert told_of_warning(alone, [], AT) == []


def test_a_geocode_names_a_district_its_city_or_its_province():
    places = [
        Place("b-nanshan", None, None, {"行政区划代码": "440305"}),
        Place("b-guangzhou", None, None, {"行政区划代码": "440103"}),
        Place("b-beijing", 39.9, 116.4, {"行政区划代码": "110101"}),
    ]
    city = CapArea("深圳市", geocodes=(("行政区划代码", "440300"),))
    province = CapArea("广东省", geocodes=(("行政区划代码", "440000"),))
    assert all(not p.inside(CapArea("某处")) for p in places)
    assert [p.id for p in places if p.inside(city)] == ["b-nanshan"]
    assert [p.id for p in places if p.inside(province)] == ["b-nanshan", "b-guangzhou"]


def test_a_building_without_a_point_is_reached_by_geocode_only():
    alert = parse_cap(
        """<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>X-1</identifier>
<sender>s</sender><sent>2026-12-03T08:00:00+08:00</sent><status>Actual</status>
<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category>
<event>Heat</event><urgency>Expected</urgency><severity>Extreme</severity>
<certainty>Likely</certainty><area><areaDesc>box</areaDesc>
<polygon>0,0 0,1 1,1 1,0 0,0</polygon></area></info></alert>"""
    )
    found = target(alert, [Place("b-none", None, None), Place("b-in", 0.5, 0.5)])
    assert found.place_ids == frozenset({"b-in"})
    assert delivery(alert) == "critical"


def test_an_active_warning_past_its_expiry_reads_expired():
    assert state_of("active", AT, AT) == "expired"
    assert state_of("active", None, AT) == "active"
    assert state_of("cancelled", AT - timedelta(days=1), AT) == "cancelled"
