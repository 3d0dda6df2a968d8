"""Consent: who may grant, who may read what until when, guardians of minors, alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from care.domain.consent import (
    Basis,
    Category,
    ConsentError,
    Relation,
    Subject,
    alert_recipients,
    check_revoker,
    decide,
    new_grant,
    visible_categories,
)

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
ELDER = Subject("p-elder", date(1948, 5, 1), user_id="u-elder")
CHILD = Subject("p-child", date(2019, 3, 1), guardians=frozenset({"u-mum"}))
TEEN = Subject("p-teen", date(2010, 1, 1), user_id="u-teen", guardians=frozenset({"u-dad"}))
DEMENTIA = Subject(
    "p-gran", date(1940, 1, 1), user_id="u-gran", guardians=frozenset({"u-son"}), has_capacity=False
)


def grant(subject=ELDER, actor="u-elder", grantee="u-daughter", **kw):
    kw.setdefault("relation", Relation.FAMILY)
    kw.setdefault("categories", [Category.VITALS, Category.PROFILE])
    return new_grant(subject, grant_id="g-1", actor=actor, grantee=grantee, at=NOW, **kw)


def test_an_adult_grants_for_themselves_and_nobody_else_does():
    g = grant(notify=True, valid_until=NOW + timedelta(days=30))
    assert g.granted_by == "u-elder" and g.categories == {Category.VITALS, Category.PROFILE}
    with pytest.raises(ConsentError) as info:
        grant(actor="u-daughter", grantee="u-neighbour")
    assert info.value.code == "care.consent_not_grantor"


def test_a_child_under_14_is_granted_for_by_a_guardian_only():
    g = grant(CHILD, actor="u-mum", grantee="u-nanny", relation=Relation.CAREGIVER)
    assert g.person_id == "p-child"
    with pytest.raises(ConsentError) as info:
        grant(CHILD, actor="u-nanny", grantee="u-x")
    assert info.value.code == "care.consent_guardian_required"


def test_age_14_is_counted_to_the_day():
    assert TEEN.age_on(date(2023, 12, 31)) == 13
    assert TEEN.age_on(date(2024, 1, 1)) == 14
    # 2026: the teen is 16, grants for himself; his father no longer does
    assert grant(TEEN, actor="u-teen", grantee="u-coach").granted_by == "u-teen"
    with pytest.raises(ConsentError):
        grant(TEEN, actor="u-dad", grantee="u-coach")


def test_an_adult_without_capacity_is_granted_for_by_the_guardian():
    assert grant(DEMENTIA, actor="u-son", grantee="u-carer").granted_by == "u-son"
    with pytest.raises(ConsentError):
        grant(DEMENTIA, actor="u-gran", grantee="u-carer")


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"categories": []}, "care.consent_empty"),
        ({"grantee": "u-elder"}, "care.consent_self"),
        ({"valid_until": NOW - timedelta(hours=1)}, "care.consent_period"),
        (
            {"valid_from": NOW + timedelta(days=2), "valid_until": NOW + timedelta(days=1)},
            "care.consent_period",
        ),
    ],
)
def test_bad_grants_are_refused(kw, code):
    with pytest.raises(ConsentError) as info:
        grant(**kw)
    assert info.value.code == code and info.value.zh


def test_reads_follow_the_grant_s_categories_and_period():
    g = grant(valid_until=NOW + timedelta(days=7))
    ok = decide(ELDER, [g], "u-daughter", Category.VITALS, NOW)
    assert ok.allowed and ok.basis is Basis.GRANT and ok.until == NOW + timedelta(days=7)
    assert not decide(ELDER, [g], "u-daughter", Category.CLINICAL, NOW).allowed
    assert not decide(ELDER, [g], "u-daughter", Category.VITALS, NOW + timedelta(days=7)).allowed
    assert not decide(ELDER, [g], "u-stranger", Category.VITALS, NOW).allowed
    assert not decide(ELDER, [g], "u-daughter", Category.VITALS, NOW - timedelta(seconds=1)).allowed


def test_a_revoked_grant_stops_at_once():
    from dataclasses import replace

    g = replace(grant(), revoked_at=NOW + timedelta(hours=1))
    assert decide(ELDER, [g], "u-daughter", Category.VITALS, NOW).allowed
    assert not decide(ELDER, [g], "u-daughter", Category.VITALS, NOW + timedelta(hours=1)).allowed


def test_the_grantor_or_the_grantee_may_revoke():
    g = grant()
    check_revoker(ELDER, g, "u-elder", NOW)
    check_revoker(ELDER, g, "u-daughter", NOW)
    with pytest.raises(ConsentError):
        check_revoker(ELDER, g, "u-stranger", NOW)


def test_self_guardian_and_emergency_bases():
    assert decide(ELDER, [], "u-elder", Category.CLINICAL, NOW).basis is Basis.SELF
    assert decide(CHILD, [], "u-mum", Category.CLINICAL, NOW).basis is Basis.GUARDIAN
    assert not decide(TEEN, [], "u-dad", Category.CLINICAL, NOW).allowed  # 16: his own data
    e = decide(ELDER, [], "u-er-doctor", Category.CLINICAL, NOW, emergency_doctor=True)
    assert e.allowed and e.basis is Basis.EMERGENCY


def test_several_grants_add_up_for_one_view():
    a = grant(categories=[Category.VITALS])
    b = new_grant(
        ELDER,
        grant_id="g-2",
        actor="u-elder",
        grantee="u-daughter",
        relation=Relation.FAMILY,
        categories=[Category.WHEREABOUTS],
        at=NOW,
    )
    v = visible_categories(ELDER, [a, b], "u-daughter", NOW)
    assert v.categories == {Category.VITALS, Category.WHEREABOUTS}


def test_alerts_go_to_grantees_who_asked_to_be_told_and_to_guardians_of_minors():
    told = grant(notify=True)
    silent = new_grant(
        ELDER,
        grant_id="g-2",
        actor="u-elder",
        grantee="u-son",
        relation=Relation.FAMILY,
        categories=[Category.VITALS],
        at=NOW,
    )
    doctor = new_grant(
        ELDER,
        grant_id="g-3",
        actor="u-elder",
        grantee="u-doc",
        relation=Relation.DOCTOR,
        categories=[Category.VITALS, Category.CLINICAL],
        at=NOW,
        notify=True,
    )
    rec = alert_recipients(ELDER, [told, silent, doctor], Category.VITALS, NOW)
    assert [(r.user_id, r.relation) for r in rec] == [
        ("u-daughter", Relation.FAMILY),
        ("u-doc", Relation.DOCTOR),
    ]
    assert alert_recipients(ELDER, [told], Category.WHEREABOUTS, NOW) == []
    kid = alert_recipients(CHILD, [], Category.CHILDCARE, NOW)
    assert [(r.user_id, r.relation) for r in kid] == [("u-mum", Relation.GUARDIAN)]
