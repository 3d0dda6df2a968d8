"""Issue 25 item 5: the population dataset a district platform receives counts residents by
GB/T 2261.1 sex code (sex_1 男, sex_2 女, sex_9 未说明的性别, sex_0 未知的性别: what identity's
events say, an older event without a code counted as 0), a count under five suppressed like
every other, and nothing in the message names a person, a household or a room."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from test_gov_affairs_exchange import _agreement, _messages, _send_all, _whole

from gov_affairs.db.exchange import ExchangeResidentRow
from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import (
    EventData,
    HouseholdRelation,
    PersonRegisteredV1,
    Placement,
    PopulationSharedV1,
)

BEIJING = timedelta(hours=8)
SEX_FIELDS = ["sex_1", "sex_2", "sex_9", "sex_0"]


async def test_a_districts_population_counts_residents_by_sex_code(
    harness: Harness, community: str
) -> None:
    h = harness
    # one building, seven households of two: 6 men, 5 women, 2 not stated, 1 older event
    codes = ["1"] * 6 + ["2"] * 5 + ["9"] * 2 + [None]
    events: list[tuple[EventData, str]] = []
    ids: list[str] = []
    for n, code in enumerate(codes):
        household = f"h-{community}-{n // 2}"
        person = f"p-{uuid.uuid4().hex[:10]}"
        ids += [person, household]
        place = Placement(
            community_id=community,
            building_id=f"{community}-b1",
            unit_id=f"{community}-b1-u1",
            room_id=f"{community}-b1-r{n // 2}",
            community_name="幸福里社区",
            building_name="1号楼",
            room_number=f"{n // 2}01",
        )
        events.append(
            (
                PersonRegisteredV1(
                    aggregate_id=person,
                    person_id=person,
                    household_id=household,
                    relation=HouseholdRelation.OWNER if n % 2 == 0 else HouseholdRelation.FAMILY,
                    placement=place,
                    registered_by="grid-1",
                    registered_at=datetime.now(UTC),
                    sex_code=code,
                ),
                person,
            )
        )
    await _send_all(h, events)
    db = h.usecases.exchanges.db

    async def known() -> bool:
        async with db.uow(read_only=True) as uow:
            people = await uow.session.scalar(
                select(func.count())
                .select_from(ExchangeResidentRow)
                .where(ExchangeResidentRow.community_id == community)
            )
        return people == len(codes)

    await eventually(known, timeout=120, what="the residents from identity's events")

    body = _agreement(community, aggregation="community")
    body["datasets"][0]["fields"] = ["households", "residents", *SEX_FIELDS]
    made = await h.client.post(
        "/api/v1/exchange/agreements",
        json=body,
        headers=h.issuer.bearer("admin-x", roles=["platform_admin"]),
    )
    assert made.status_code == 201, made.text
    now = datetime.now(UTC)
    period = (now + BEIJING).date() - timedelta(days=1)
    key = f"{made.json()['id']}:population:{period.isoformat()}"
    assert key in await h.usecases.exchanges.sweep(now)

    [message] = [m for m in await _messages(h, PopulationSharedV1, key) if key.encode() in m.value]
    whole = _whole(message)
    for value in ids:
        assert value.encode() not in whole, f"an id left: {value}"
    assert "1号楼".encode() not in whole and "幸福里".encode() not in whole
    data = json.loads(message.value)
    [row] = data["rows"]
    assert (row["community_id"], row["households"], row["residents"]) == (community, 7, 14)
    # 6 men and 5 women leave; 2 not stated and 1 unknown are under five: suppressed
    assert [row[f] for f in SEX_FIELDS] == [6, 5, None, None]
    # what the agreement does not list leaves empty; the only texts are the place's codes
    assert [row[k] for k in ("owners", "family", "tenants", "building_id")] == [None] * 4
    assert {k for k, v in row.items() if isinstance(v, str)} == {"community_id"}
