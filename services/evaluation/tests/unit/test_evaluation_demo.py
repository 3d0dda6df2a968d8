"""The demo's simulated answers are answers the API would take, and hang together."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from evaluation.data import QUESTIONNAIRES, load_questionnaire
from evaluation.demo import answers_of
from evaluation.domain.scoring import score_dimensions
from evaluation.domain.surveys import Targeting, check_response


def test_simulated_answers_pass_the_checks_and_score_reliably() -> None:
    now = datetime.now(UTC)
    for code in QUESTIONNAIRES:
        survey = load_questionnaire(code).survey(
            Targeting(community_ids=("C1",)), now, now + timedelta(days=30)
        )
        rng = random.Random(1)
        answers = {f"r{n}": answers_of(survey, rng, 3.8) for n in range(30)}
        for given in answers.values():
            assert check_response(survey, given).answers == given
        dims = score_dimensions(survey.sections, answers)
        assert dims and all(s.respondents == 30 for s in dims.values())
        if code == "security":
            assert all((s.alpha or 0) > 0.6 for s in dims.values()), dims
