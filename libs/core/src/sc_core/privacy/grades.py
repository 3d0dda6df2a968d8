"""Sensitivity grades of fields and the grade each role may see unmasked.

A field carries one grade; a caller sees it unmasked when the caller's grade (the highest
grade among the caller's roles) is at least the field's grade. Everything else is masked.

Object-level exceptions (a resident reading their own household's record) are not a role
property: the service decides them and passes ``self_or_household=True`` to the masking
helpers (:func:`sc_core.privacy.mask_model`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from types import MappingProxyType


class Grade(IntEnum):
    """Ordered sensitivity grades: PUBLIC < INTERNAL < PERSONAL < SENSITIVE."""

    PUBLIC = 0  # anyone, including anonymous visitors (notices, opening hours)
    INTERNAL = 1  # platform staff and members of the community (work-order notes, counts)
    PERSONAL = 2  # personal information (names, mobiles, plates, addresses, emails)
    SENSITIVE = 3  # sensitive personal information (ID numbers, faces, health, whereabouts)


# Highest grade each role may see unmasked. Roles not listed get PUBLIC.
# Choices worth knowing (data minimisation):
# - property_staff / property_manager stop at PERSONAL: names, mobiles, plates so they can
#   serve residents, but never ID numbers or faces.
# - platform_admin and auditor are technical / oversight roles: INTERNAL only. They see
#   every row in scope but personal data masked; a reveal is an explicit, audited action.
# - residents, tenants and family members see other people's data at INTERNAL; their own
#   household's data through the ``self_or_household`` allowance.
DEFAULT_ROLE_GRADES: Mapping[str, Grade] = MappingProxyType(
    {
        "visitor": Grade.PUBLIC,
        "merchant": Grade.PUBLIC,
        "integrator": Grade.PUBLIC,
        "resident": Grade.INTERNAL,
        "tenant": Grade.INTERNAL,
        "family": Grade.INTERNAL,
        "volunteer": Grade.INTERNAL,
        "platform_admin": Grade.INTERNAL,
        "auditor": Grade.INTERNAL,
        "property_staff": Grade.PERSONAL,
        "property_manager": Grade.PERSONAL,
        "caregiver": Grade.PERSONAL,
        "grid_worker": Grade.SENSITIVE,
        "community_admin": Grade.SENSITIVE,
        "gov_officer": Grade.SENSITIVE,
        "police": Grade.SENSITIVE,
        "doctor": Grade.SENSITIVE,
    }
)

KNOWN_ROLES: frozenset[str] = frozenset(DEFAULT_ROLE_GRADES)


def grade_for(roles: Iterable[str], mapping: Mapping[str, Grade] | None = None) -> Grade:
    """The highest grade any of ``roles`` may see unmasked (PUBLIC when none is known)."""
    table = DEFAULT_ROLE_GRADES if mapping is None else mapping
    best = Grade.PUBLIC
    for role in roles:
        grade = table.get(role, Grade.PUBLIC)
        if grade > best:
            best = grade
    return best
