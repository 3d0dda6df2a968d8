"""Must show: an exchange agreement is checked as data (unknown figures, figures above its
grade, per person beyond the grade or the platform's ceiling, each said in words); counts
under five never leave; only the allow-list leaves; periods are Beijing days and months."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gov_affairs.domain.exchange.agreements import Aggregation, Dataset, Frequency, check
from gov_affairs.domain.exchange.periods import Period, due, parse
from gov_affairs.domain.exchange.records import (
    Household,
    Resident,
    Terms,
    content_hash,
    houses,
    population,
    record,
)
from sc_core.privacy.grades import Grade


def test_unknown_and_duplicate_figures_are_field_errors_in_words() -> None:
    issues, refused = check(
        [("population", ["residents", "id_number"]), ("population", ["owners"])],
        Grade.INTERNAL,
        Aggregation.BUILDING,
        Grade.INTERNAL,
    )
    assert refused is None
    fields = [i.field for i in issues]
    assert fields == ["datasets.0.fields.1", "datasets.1.dataset"]
    assert "id_number" in issues[0].en and "实有人口" in issues[0].zh


def test_a_dataset_without_a_count_is_refused() -> None:
    issues, _ = check(
        [("cases", ["case_type"])], Grade.INTERNAL, Aggregation.COMMUNITY, Grade.INTERNAL
    )
    assert [i.field for i in issues] == ["datasets.0.fields"]


def test_per_person_needs_the_sensitive_grade_and_the_platform_refuses_it_by_default() -> None:
    issues, _ = check(
        [("population", ["residents"])], Grade.INTERNAL, Aggregation.PERSON, Grade.INTERNAL
    )
    assert [i.field for i in issues] == ["aggregation"]
    issues, refused = check(
        [("population", ["residents"])], Grade.SENSITIVE, Aggregation.PERSON, Grade.INTERNAL
    )
    assert issues == [] and refused is not None and refused.code == "exchange.grade_not_allowed"
    issues, refused = check(
        [("population", ["residents"])], Grade.SENSITIVE, Aggregation.PERSON, Grade.SENSITIVE
    )
    assert refused is not None and refused.code == "exchange.aggregation_not_offered"
    issues, _ = check(
        [("population", ["residents"])], Grade.PUBLIC, Aggregation.COMMUNITY, Grade.INTERNAL
    )
    assert [i.field for i in issues] == ["aggregation", "datasets.0.fields.0"]


def _homes() -> tuple[list[Household], list[Resident]]:
    homes = [Household(f"h{i}", "c1", "b1", f"r{i}", True) for i in range(6)]
    homes += [Household("h9", "c1", "b2", "r9", True), Household("hx", "c1", "b2", "r10", False)]
    # GB/T 2261.1: three men, three women, one not stated in b1; b2's one known only from
    # an event before the code was carried (0, unknown)
    people = [Resident(f"h{i}", "owner", "1" if i < 3 else "2") for i in range(6)]
    people += [Resident("h0", "tenant", "9"), Resident("h9", "family"), Resident("hx", "owner")]
    return homes, people


def test_population_and_houses_per_building_and_community() -> None:
    homes, people = _homes()
    rows = population(homes, people, Aggregation.BUILDING)
    assert rows == [
        {"community_id": "c1", "building_id": "b1", "households": 6, "residents": 7,
         "owners": 6, "family": 0, "tenants": 1,
         "sex_1": 3, "sex_2": 3, "sex_9": 1, "sex_0": 0},
        {"community_id": "c1", "building_id": "b2", "households": 1, "residents": 1,
         "owners": 0, "family": 1, "tenants": 0,
         "sex_1": 0, "sex_2": 0, "sex_9": 0, "sex_0": 1},
    ]  # fmt: skip
    [whole] = population(homes, people, Aggregation.COMMUNITY)
    assert (whole["building_id"], whole["residents"]) == (None, 8)
    rooms = {r["building_id"]: r for r in houses(homes, people, Aggregation.BUILDING)}
    assert (rooms["b1"]["rooms"], rooms["b1"]["rented"], rooms["b1"]["owner_occupied"]) == (6, 1, 6)
    assert (rooms["b2"]["rooms"], rooms["b2"]["occupied"], rooms["b2"]["vacant"]) == (2, 1, 1)


def test_a_record_keeps_only_the_allow_list_and_suppresses_under_five() -> None:
    homes, people = _homes()
    rows = population(homes, people, Aggregation.BUILDING)
    rows[0]["name"] = "张三"  # a field nobody allowed never leaves
    terms = Terms("a1", "district-xh", Dataset.POPULATION, ("residents", "tenants"),
                  Aggregation.BUILDING, "internal")  # fmt: skip
    period = Period(Frequency.DAILY, date(2026, 12, 3))
    made = record(terms, period, rows, datetime(2026, 12, 4, 1, tzinfo=UTC))
    content = made.model_dump(mode="json")
    b1, b2 = content["rows"]
    assert (b1["residents"], b1["tenants"], b1["households"], b1["suppressed"]) == (
        7,
        None,
        None,
        False,
    )
    assert (b2["residents"], b2["suppressed"]) == (None, True)
    assert "张三" not in str(content)
    assert content["record_id"] == "a1:population:2026-12-03" and content["suppressed"] == 1
    assert len(content_hash(content)) == 64


def test_periods_are_beijing_days_and_months() -> None:
    late = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)  # 01:00 on 1 January in Beijing
    assert due(late, Frequency.DAILY).key == "2026-12-31"
    assert due(late, Frequency.MONTHLY).key == "2026-12"
    assert due(datetime(2026, 12, 31, 15, 0, tzinfo=UTC), Frequency.MONTHLY).key == "2026-11"
    month = parse("2026-02", Frequency.MONTHLY)
    assert month is not None and month.last == date(2026, 2, 28)
    assert parse("2026-02", Frequency.DAILY) is None and parse("2026-13", Frequency.MONTHLY) is None
    assert Period(Frequency.DAILY, date(2026, 12, 3)).covered_by(date(2026, 12, 3), None)
    assert not Period(Frequency.MONTHLY, date(2026, 12, 1)).covered_by(date(2026, 12, 2), None)
