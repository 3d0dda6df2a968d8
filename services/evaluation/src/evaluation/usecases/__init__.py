"""Use cases of evaluation, built once in ``main.build``."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.usecases.indices import Indices
from evaluation.usecases.kpis import Kpis
from evaluation.usecases.month_end import MonthEnd
from evaluation.usecases.places import Communities
from evaluation.usecases.reminders import Reminders
from evaluation.usecases.reports import Reports
from evaluation.usecases.surveys import Surveys


@dataclass(frozen=True)
class UseCases:
    kpis: Kpis
    indices: Indices
    reports: Reports
    surveys: Surveys
    reminders: Reminders
    communities: Communities
    month_end: MonthEnd
