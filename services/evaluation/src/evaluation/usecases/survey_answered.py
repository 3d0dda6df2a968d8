"""Whether the caller has answered a survey (per person, or their household for a survey
answered per household): the residents' app marks a survey "answered" from this, on every
device. Only the caller's own answer is looked for, by the same key the answer is stored
under (a blind index for an anonymous survey); nothing about anyone else is told."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from evaluation.db.models import ResponseRow
from evaluation.domain.surveys import NotEligible, Respondent, response_key
from evaluation.usecases.access import RESIDENT_ROLES
from evaluation.usecases.audience import stored_key
from evaluation.usecases.surveys import Surveys, _get, survey_of
from sc_core.auth.principal import Principal


async def has_answered(
    surveys: Surveys, principal: Principal, locale: str, survey_id: uuid.UUID
) -> bool:
    """True when the caller's answer (or their household's) is stored; a survey the caller
    cannot see is 404 as reading it is."""
    async with surveys.db.uow(read_only=True) as uow:
        row, households = await _get(uow, principal, survey_id, locale)
        home = next((h for h in households if h.community_id == row.community_id), None)
        if home is None:
            return False  # staff reading it: no answer of their own
        survey = survey_of(row)
        who = Respondent(
            person_id=principal.subject,
            roles=frozenset(principal.roles) & frozenset(RESIDENT_ROLES),
            community_id=home.community_id,
            building_id=home.building_id,
            grid_id=home.grid_id,
            household_id=home.household_id,
        )
        try:
            key = stored_key(surveys.cipher, row.id, survey, response_key(survey, who))
        except NotEligible:
            return False
        found = await uow.session.scalar(
            select(ResponseRow.id).where(
                ResponseRow.survey_id == row.id, ResponseRow.respondent_key == key
            )
        )
        return found is not None
