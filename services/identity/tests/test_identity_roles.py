"""identity's roles are the platform's roles: the grades of sc_core.privacy know each one."""

from identity.roles import ROLES

from sc_core.privacy import KNOWN_ROLES


def test_every_role_identity_grants_has_a_privacy_grade_and_back() -> None:
    assert set(ROLES) == set(KNOWN_ROLES)
