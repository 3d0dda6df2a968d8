"""Roles, scope types, and who may do what (pure data; the routers use these sets)."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal[
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
]
ROLES: tuple[str, ...] = get_args(Role)

PLATFORM_ADMIN = "platform_admin"
COMMUNITY_ADMIN = "community_admin"

# Roles that belong to a household (their grants name a household).
HOUSEHOLD_ROLES = frozenset({"resident", "tenant", "family"})

# Who may read the places of the register (communities ... rooms, grids, doors).
PLACE_READERS = frozenset(
    {
        "platform_admin",
        "community_admin",
        "gov_officer",
        "police",
        "property_manager",
        "property_staff",
        "grid_worker",
    }
)
# Who may create and change buildings, units, rooms and doors.
PLACE_WRITERS = frozenset({"platform_admin", "community_admin", "property_manager"})
# Who may create and change communities and grids, and put buildings in grids.
COMMUNITY_WRITERS = frozenset({"platform_admin", "community_admin"})

# Households and persons.
HOUSEHOLD_READERS = PLACE_READERS | HOUSEHOLD_ROLES
HOUSEHOLD_WRITERS = frozenset({"platform_admin", "community_admin", "grid_worker"})
PERSON_READERS = PLACE_READERS | HOUSEHOLD_ROLES
PERSON_WRITERS = frozenset(
    {"platform_admin", "community_admin", "grid_worker", "resident", "tenant"}
)
# Who may register a person as an owner (业主) of a household: a tenant may add family
# members and co-tenants to the flat, never an owner (issue 30.12).
OWNER_REGISTRARS = PERSON_WRITERS - {"tenant"}

# Accounts and grants.
ACCOUNT_ADMINS = frozenset({"platform_admin", "community_admin"})
# Roles a community admin may not hand out (only platform admins may).
PLATFORM_ONLY_ROLES = frozenset({"platform_admin", "auditor", "integrator", "community_admin"})

# Visitors and doors.
PASS_ISSUERS = HOUSEHOLD_ROLES
PASS_READERS = HOUSEHOLD_ROLES | frozenset(
    {"property_staff", "property_manager", "community_admin"}
)
DOOR_STAFF = frozenset({"property_staff", "property_manager", "community_admin", "police"})
DOOR_OPENERS = DOOR_STAFF | HOUSEHOLD_ROLES | frozenset({"grid_worker"})

# Tracing a person's passages (6.1.2 d).
PASSAGE_READERS = frozenset({"police", "community_admin"})
