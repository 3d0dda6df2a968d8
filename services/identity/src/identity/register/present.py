"""Persons as a caller may see them: masked by the grade of the roles that cover the
person, unmasked for the caller's own household; every unmasked read of an ID number,
phone or face id is audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from identity.db.register import Person, Residency
from identity.register.repo import places
from identity.register.schemas import PersonRead, ResidencyRead
from identity.scope import Scope
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork
from sc_core.privacy import grade_for, mask_listed, mask_model
from sc_core.sex_codes import sex_code

AUDITED_FIELDS = ("id_number", "phone", "face_id")


def is_own(scope: Scope, person: Person, residencies: Sequence[Residency]) -> bool:
    """The person is the caller, or lives in one of the caller's households."""
    principal = scope.principal
    if person.account_id is not None and str(person.account_id) == principal.subject:
        return True
    mine = principal.household_ids
    return any(r.moved_out_on is None and str(r.household_id) in mine for r in residencies)


def present(
    scope: Scope,
    person: Person,
    residencies: Sequence[Residency],
    *,
    listing: bool = False,
    covering: frozenset[str] | None = None,
) -> tuple[PersonRead, list[str]]:
    """The masked record and the sensitive fields it shows unmasked. In a list
    (``listing``) ID numbers, phones and face ids are masked for every role but the
    person's own household's: a role that needs one reveals it (``POST .../reveal``).
    ``covering``: the roles that cover one of the person's residencies, past ones too
    (``register.coverage``), when ``residencies`` holds only the current ones."""
    model = PersonRead(
        id=person.id,
        name=person.name,
        gender=person.gender,
        sex_code=sex_code(person.gender),
        birth_date=person.birth_date,
        id_number=person.id_number,
        phone=person.phone,
        face_id=person.face_id,
        account_id=person.account_id,
        residencies=[
            ResidencyRead.model_validate(r) for r in residencies if r.moved_out_on is None
        ],
        created_at=person.created_at,
        updated_at=person.updated_at,
    )
    if covering is None:
        grade = scope.grade([places(r) for r in residencies])
    else:
        grade = grade_for(covering)
    own = is_own(scope, person, residencies)
    if listing:
        masked = mask_listed(model, grade, self_or_household=own)
    else:
        masked = mask_model(model, grade, self_or_household=own)
    shown = [
        f for f in AUDITED_FIELDS if getattr(model, f) and getattr(masked, f) == getattr(model, f)
    ]
    return masked, shown


async def audit_reveals(uow: UnitOfWork, who: Caller, reveals: dict[uuid.UUID, list[str]]) -> None:
    """One audit record per request that showed sensitive data unmasked (committed with
    ``uow``)."""
    shown = {pid: fields for pid, fields in reveals.items() if fields}
    if not shown:
        return
    fields = sorted({f for fs in shown.values() for f in fs})
    single = next(iter(shown)) if len(shown) == 1 else None
    await uow.audit(
        who,
        "person.read_sensitive",
        "person",
        str(single) if single else None,
        detail={
            "fields": ",".join(fields),
            "persons": ",".join(str(p) for p in list(shown)[:50]),
            "count": str(len(shown)),
        },
    )


async def audit_history(
    uow: UnitOfWork, who: Caller, of: str, of_id: uuid.UUID, total: int
) -> None:
    """Residence history (who lived where, when: whereabouts) is audited at every read."""
    await uow.audit(who, "residency.read_sensitive", of, str(of_id), detail={"count": str(total)})
