"""Data shipped with the service: the indices' questionnaires and the index methods."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from evaluation.domain.questionnaires import Questionnaire, parse_questionnaire

QUESTIONNAIRES = ("gain", "security", "happiness")


def _read(*parts: str) -> Any:
    text = resources.files(__package__).joinpath(*parts).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def load_questionnaire(code: str) -> Questionnaire:
    if code not in QUESTIONNAIRES:
        raise KeyError(code)
    return parse_questionnaire(_read("questionnaires", f"{code}.yaml"))


@cache
def load_method_data(version: str) -> Any:
    """The raw content of ``methods/<version>.yaml``."""
    return _read("methods", f"{version}.yaml")


def method_versions() -> list[str]:
    folder = resources.files(__package__).joinpath("methods")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )
