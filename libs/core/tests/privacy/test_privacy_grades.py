from sc_core.privacy import DEFAULT_ROLE_GRADES, Grade, grade_for

ALL_ROLES = {
    "resident",
    "tenant",
    "visitor",
    "family",
    "property_staff",
    "property_manager",
    "grid_worker",
    "community_admin",
    "gov_officer",
    "police",
    "doctor",
    "caregiver",
    "merchant",
    "volunteer",
    "integrator",
    "platform_admin",
    "auditor",
}


def test_grades_are_ordered():
    assert Grade.PUBLIC < Grade.INTERNAL < Grade.PERSONAL < Grade.SENSITIVE


def test_every_platform_role_has_a_grade():
    assert set(DEFAULT_ROLE_GRADES) == ALL_ROLES


def test_property_staff_cannot_see_id_numbers_but_police_and_admins_can():
    assert grade_for(["property_staff"]) < Grade.SENSITIVE
    assert grade_for(["property_staff"]) == Grade.PERSONAL
    assert grade_for(["police"]) == Grade.SENSITIVE
    assert grade_for(["community_admin"]) == Grade.SENSITIVE


def test_highest_role_wins_and_unknown_roles_see_public_only():
    assert grade_for(["visitor", "grid_worker"]) == Grade.SENSITIVE
    assert grade_for(["resident", "property_staff"]) == Grade.PERSONAL
    assert grade_for([]) == Grade.PUBLIC
    assert grade_for(["hacker"]) == Grade.PUBLIC


def test_residents_see_others_only_at_internal():
    assert grade_for(["resident"]) == Grade.INTERNAL
    assert grade_for(frozenset({"tenant", "family"})) == Grade.INTERNAL


def test_custom_mapping():
    assert grade_for(["resident"], {"resident": Grade.PERSONAL}) == Grade.PERSONAL
