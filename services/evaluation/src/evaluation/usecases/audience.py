"""A survey's audience from the place directory: the households it targets and the
accounts holding a household role there (identity's grants), as response keys; and
which of those keys have answered (an anonymous survey's keys compared through the same
blind index its answers are stored under)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from evaluation.db.models import PLACES, ResponseRow
from evaluation.domain.surveys import Member, Survey, Target, audience
from sc_core.db.uow import UnitOfWork
from sc_core.privacy import FieldCipher


async def targets(uow: UnitOfWork, survey: Survey) -> list[Target]:
    """Every response key the survey asks for, with its building and accounts."""
    grants, h, g = PLACES.grants, PLACES.households.c, PLACES.building_grids.c
    assert grants is not None
    t = survey.targeting
    rows = await uow.session.execute(
        select(
            grants.c.account_id,
            grants.c.role,
            h.household_id,
            h.community_id,
            h.building_id,
            func.coalesce(h.grid_id, g.grid_id),
        )
        .join(PLACES.households, h.household_id == grants.c.scope_id)
        .outerjoin(PLACES.building_grids, g.building_id == h.building_id)
        .where(
            grants.c.scope_type == "household",
            grants.c.role.in_(t.roles),
            h.status == "active",
            h.community_id.in_(t.community_ids),
        )
    )
    members = [Member(a, role, hh, c, b, grid) for a, role, hh, c, b, grid in rows.all()]
    return audience(survey, members)


def stored_key(cipher: FieldCipher, survey_id: uuid.UUID, survey: Survey, key: str) -> str:
    """The respondent key as a response of this survey stores it."""
    if survey.anonymous:
        return "anon:" + cipher.blind_index(f"{survey_id}|{key}", "survey")
    return key


async def answered(uow: UnitOfWork, survey_id: uuid.UUID) -> set[str]:
    rows = await uow.session.scalars(
        select(ResponseRow.respondent_key).where(ResponseRow.survey_id == survey_id)
    )
    return set(rows.all())
