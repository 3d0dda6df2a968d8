"""Issue 25 item 5: the AsyncAPI document describes every exchange topic with its grade (the
highest sensitivity a message on it may hold), and an external topic without one is refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from sc_contracts.asyncapi import asyncapi_document
from sc_contracts.catalogue import Topic, load_catalogue
from sc_contracts.registry import registry


def test_every_external_channel_says_its_grade() -> None:
    catalogue = load_catalogue()
    document = asyncapi_document(catalogue, registry())
    external = [t for t in catalogue.topics if t.external]
    assert {t.name for t in external} >= {"exchange.population.v1", "exchange.task-outcomes.v1"}
    for topic in external:
        channel = document["channels"][_key(document, topic.name)]
        assert channel["x-external"] is True
        assert channel["x-sensitivity"] in ("public", "internal"), topic.name


def test_an_external_topic_without_a_grade_is_refused() -> None:
    topic = load_catalogue().topic("exchange.population.v1")
    values: dict[str, Any] = topic.model_dump()
    values["sensitivity"] = None
    with pytest.raises(ValidationError, match="say its sensitivity grade"):
        Topic.model_validate(values)


def _key(document: dict[str, Any], name: str) -> str:
    return next(k for k, c in document["channels"].items() if c["address"] == name)
