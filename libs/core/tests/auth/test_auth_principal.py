import dataclasses

import pytest

from sc_core.auth import Grant, InvalidClaims, Principal
from sc_core.privacy import Grade

CLAIMS = {
    "sub": "u-42",
    "kind": "user",
    "name": "张三",
    "roles": ["resident"],
    "grants": [
        {"role": "resident", "scope_type": "household", "scope_id": "h-1"},
        {"role": "property_staff", "scope_type": "community", "scope_id": "c-1"},
        {"role": "property_staff", "scope_type": "building", "scope_id": "b-9"},
        {"role": "grid_worker", "scope_type": "grid", "scope_id": "g-3"},
    ],
    "iss": "smart-community-identity",
    "aud": "smart-community",
    "exp": 2_000_000_000,
    "iat": 1_999_999_000,
    "jti": "t-1",
}


def test_from_claims():
    p = Principal.from_claims(CLAIMS)
    assert p.subject == "u-42"
    assert p.kind == "user"
    assert p.name == "张三"
    assert p.token_id == "t-1"
    assert p.expires_at is not None
    assert int(p.expires_at.timestamp()) == 2_000_000_000
    # grants imply their roles
    assert p.roles == {"resident", "property_staff", "grid_worker"}
    assert p.has_role("police", "property_staff")
    assert not p.has_role("police")
    assert p.community_ids == {"c-1"}
    assert p.building_ids == {"b-9"}
    assert p.grid_ids == {"g-3"}
    assert p.household_ids == {"h-1"}
    assert p.unit_ids == frozenset()
    assert p.scopes_for("property_staff") == (
        Grant("property_staff", "community", "c-1"),
        Grant("property_staff", "building", "b-9"),
    )
    assert p.scope_ids("community", roles=["resident"]) == frozenset()
    assert p.grade == Grade.SENSITIVE  # grid_worker
    assert not p.is_platform_admin


def test_grade_follows_roles():
    staff = Principal("u-1", roles=frozenset({"property_staff"}))
    assert staff.grade == Grade.PERSONAL
    assert Principal("u-2").grade == Grade.PUBLIC


def test_principal_is_frozen_and_hashable():
    p = Principal.from_claims(CLAIMS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.subject = "other"
    assert p == Principal.from_claims(CLAIMS)
    assert len({p, Principal.from_claims(CLAIMS)}) == 1


def test_platform_admin():
    p = Principal.from_claims({"sub": "ops", "roles": ["platform_admin"]})
    assert p.is_platform_admin
    assert p.is_platform_wide()
    assert not p.is_platform_wide(roles=["property_staff"])
    auditor = Principal.from_claims(
        {"sub": "a", "grants": [{"role": "auditor", "scope_type": "platform", "scope_id": "*"}]}
    )
    assert not auditor.is_platform_admin
    assert auditor.is_platform_wide(roles=["auditor"])


def test_to_claims_round_trips():
    p = Principal.from_claims(CLAIMS)
    assert Principal.from_claims(p.to_claims()).grants == p.grants
    assert Principal.from_claims(p.to_claims()).roles == p.roles


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"sub": ""},
        {"sub": "u", "kind": "robot"},
        {"sub": "u", "roles": "resident"},
        {"sub": "u", "roles": [1]},
        {"sub": "u", "grants": {"role": "x"}},
        {"sub": "u", "grants": ["x"]},
        {"sub": "u", "grants": [{"role": "x", "scope_type": "city", "scope_id": "1"}]},
        {"sub": "u", "grants": [{"role": "x", "scope_type": "community"}]},
        {"sub": "u", "grants": [{"role": "", "scope_type": "community", "scope_id": "c"}]},
    ],
)
def test_malformed_claims_are_refused(bad):
    with pytest.raises(InvalidClaims):
        Principal.from_claims(bad)
