"""The ACL plan of an agreement, checked against the topic catalogue (no broker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sc_contracts import acls, load_catalogue
from sc_contracts.catalogue import contracts_root
from sc_contracts.cli import main

EXAMPLE = contracts_root().parent / "deploy" / "kafka" / "agreements.example.yaml"


def test_the_catalogue_says_which_topics_are_for_outside_readers() -> None:
    external = {t.name for t in load_catalogue().external_topics()}
    assert external == {
        "alarm.events.v1",
        "device.status.v1",
        "care.exchange.v1",
        "evaluation.exchange.v1",
        "exchange.population.v1",
        "exchange.houses.v1",
        "exchange.cases.v1",
        "exchange.alarms.v1",
        "exchange.task-outcomes.v1",
    }


def test_an_integrator_may_read_its_topics_with_its_own_groups_and_nothing_else() -> None:
    agreement = acls.Agreement(
        integrators=(acls.Integrator(principal="city", name="市平台", topics=("alarm.events.v1",)),)
    )
    assert [b.describe() for b in acls.plan(agreement)] == [
        "ALLOW User:city READ on GROUP prefix city.",
        "ALLOW User:city READ on TOPIC alarm.events.v1",
    ]


def test_the_catalogue_says_which_topics_outsiders_write() -> None:
    assert [t.name for t in load_catalogue().inbound_topics()] == ["exchange.city-tasks.v1"]


def test_a_district_may_write_the_inbound_topic_it_is_granted_and_nothing_else() -> None:
    agreement = acls.Agreement(
        integrators=(
            acls.Integrator(
                principal="district",
                name="区平台",
                topics=("exchange.task-outcomes.v1",),
                writes=("exchange.city-tasks.v1",),
            ),
        )
    )
    assert [b.describe() for b in acls.plan(agreement)] == [
        "ALLOW User:district READ on GROUP prefix district.",
        "ALLOW User:district WRITE on TOPIC exchange.city-tasks.v1",
        "ALLOW User:district READ on TOPIC exchange.task-outcomes.v1",
    ]


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        ("exchange.task-outcomes.v1", "not written from outside"),  # read, never written
        ("gov.city-tasks.v1", "not written from outside"),  # gov-affairs -> work-orders
        ("nope.v1", "not in the catalogue"),
    ],
)
def test_only_an_inbound_topic_may_be_granted_for_writing(topic: str, message: str) -> None:
    agreement = acls.Agreement(
        integrators=(
            acls.Integrator(
                principal="district", name="区平台", topics=("alarm.events.v1",), writes=(topic,)
            ),
        )
    )
    with pytest.raises(ValueError, match=message):
        acls.plan(agreement)


def test_the_platform_gets_every_catalogue_topic_and_its_dlq_and_nothing_outside() -> None:
    agreement = acls.Agreement(platform=acls.PlatformPrincipal(principal="platform"))
    bindings = acls.plan(agreement)
    topics = {b.resource_name for b in bindings if b.resource_type == "TOPIC"}
    assert topics == set(load_catalogue().all_topic_names())
    assert {b.operation for b in bindings} == {"ALL"}
    assert {(b.resource_type, b.resource_name) for b in bindings if b.resource_type != "TOPIC"} == {
        ("GROUP", "*")
    }


@pytest.mark.parametrize(
    ("topic", "message"),
    [("audit.records.v1", "not meant for outside readers"), ("nope.v1", "not in the catalogue")],
)
def test_a_topic_not_for_outside_readers_cannot_be_granted(topic: str, message: str) -> None:
    agreement = acls.Agreement(
        integrators=(acls.Integrator(principal="city", name="市平台", topics=(topic,)),)
    )
    with pytest.raises(ValueError, match=message):
        acls.plan(agreement)


def test_the_example_agreement_plans(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["acls", "plan", "--agreement", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "ALLOW User:city-hz-brain READ on TOPIC device.status.v1" in out
    assert "ALLOW User:district-xh-grid READ on GROUP prefix district-xh-grid." in out
    assert "ALLOW User:district-xh-grid WRITE on TOPIC exchange.city-tasks.v1" in out
    assert "city-hz-brain WRITE" not in out


def test_a_bad_agreement_is_refused_by_the_cli(tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("integrators:\n  - principal: x\n    name: x\n    topics: [audit.records.v1]\n")
    assert main(["acls", "plan", "--agreement", str(bad)]) == 1
