"""``GET /api/v1/evaluation/surveys/{survey_id}/answered``: whether the caller has answered
the survey (or their household has, for a survey answered per household)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from evaluation.api.common import CurrentPrincipal, Locale, UseCasesDep
from evaluation.usecases.survey_answered import has_answered

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation-surveys"])


class SurveyAnswered(BaseModel):
    survey_id: uuid.UUID
    answered: bool = Field(
        description="the caller's answer is in (their household's, for a survey per household)"
    )


@router.get("/surveys/{survey_id}/answered", response_model=SurveyAnswered)
async def survey_answered(
    survey_id: Annotated[uuid.UUID, Path()],
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
) -> SurveyAnswered:
    """Only the caller's own answer is looked for; 404 for a survey the caller cannot see."""
    done = await has_answered(usecases.surveys, principal, locale, survey_id)
    return SurveyAnswered(survey_id=survey_id, answered=done)
