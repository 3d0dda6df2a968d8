"""Whether the caller has answered a survey, on a real PostgreSQL and Kafka: the residents'
app asks it to mark a survey "answered" on every device. A person's own answer counts (an
anonymous survey too, by the key the answer is stored under); for a survey answered per
household, the household's; staff have no answer of their own; a survey the caller cannot
see is 404."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from test_evaluation_audience import SURVEYS, Harness, designed, harness  # noqa: F401

from evaluation.db.models import PLACES
from sc_contracts.events.identity import GrantChangedV1, HouseholdChangedV1, Placement
from sc_core.auth import Grant
from sc_devinfra.waiting import eventually

CA = "ANS-001"
# account -> (role, household)
PEOPLE = {
    "ans-1": ("resident", "ANS-H1"),
    "ans-2": ("family", "ANS-H1"),
    "ans-3": ("resident", "ANS-H2"),
}


async def _register(h: Harness) -> None:
    now = datetime.now(UTC)
    for hh in ("ANS-H1", "ANS-H2"):
        placement = Placement(
            community_id=CA, building_id="ANS-B1", unit_id="ANS-U1", room_id=f"R{hh}"
        )
        await h.send(
            "community.household.changed.v1",
            HouseholdChangedV1(
                aggregate_id=hh,
                household_id=hh,
                change="created",
                placement=placement,
                member_count=2,
                status="active",
                changed_by="admin",
                changed_at=now,
            ),
            key=hh,
        )
    for account, (role, hh) in PEOPLE.items():
        await h.send(
            "community.grant.changed.v1",
            GrantChangedV1(
                aggregate_id=account,
                account_id=account,
                grant_id=f"g-{account}",
                change="granted",
                role=role,
                scope_type="household",
                scope_id=hh,
                community_id=CA,
                changed_by="admin",
                changed_at=now,
            ),
            key=account,
        )

    async def known() -> bool:
        grants = PLACES.grants
        assert grants is not None
        async with h.app.state.runtime.db.uow(read_only=True) as uow:
            places = await uow.session.scalar(
                select(func.count()).where(PLACES.households.c.community_id == CA)
            )
            held = await uow.session.scalar(select(func.count()).where(grants.c.community_id == CA))
            return (places, held) == (2, len(PEOPLE))

    assert await eventually(known, timeout=120), "identity's placements and grants never arrived"


async def test_a_resident_learns_whether_she_has_answered(harness: Harness) -> None:  # noqa: F811
    h = harness
    await _register(h)

    def person(account: str) -> dict[str, str]:
        role, household = PEOPLE[account]
        return h.issuer.bearer(account, grants=[Grant(role, "household", household)])

    manager = h.issuer.bearer("pm-ans", grants=[Grant("property_manager", "community", CA)])
    now = datetime.now(UTC)
    window = {
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=10)).isoformat(),
    }
    r = await h.client.post(
        SURVEYS,
        json={"community_id": CA, "definition": designed(now + timedelta(days=10)), **window},
        headers=manager,
    )
    assert r.status_code == 201, r.text
    assert r.json()["anonymous"] is True  # anonymous, per person
    url = f"{SURVEYS}/{r.json()['id']}"

    async def answered(url: str, who: dict[str, str]) -> bool:
        r = await h.client.get(f"{url}/answered", headers=who)
        assert r.status_code == 200, r.text
        return bool(r.json()["answered"])

    assert not await answered(url, person("ans-1"))
    given = {"used": "no", "ways": ["app"], "easy": 4}
    r = await h.client.post(f"{url}/responses", json={"answers": given}, headers=person("ans-1"))
    assert r.status_code == 201, r.text
    assert await answered(url, person("ans-1"))
    # per person: her family member and her neighbour have not answered
    assert not await answered(url, person("ans-2"))
    assert not await answered(url, person("ans-3"))
    assert not await answered(url, manager)  # staff: no answer of their own

    # per household: one member's answer is the household's
    r = await h.client.post(
        SURVEYS,
        json={"community_id": CA, "questionnaire": "security", "unit": "household", **window},
        headers=manager,
    )
    assert r.status_code == 201, r.text
    household_url = f"{SURVEYS}/{r.json()['id']}"
    assert not await answered(household_url, person("ans-2"))
    # the security questionnaire answered as test_evaluation_service answers it
    answers: dict[str, object] = {f"c{n}": 4 for n in range(1, 7)}
    answers |= {f"sq{n:02d}": 2 for n in range(1, 17)} | {"used_emergency": "no", "recommend": 8}
    r = await h.client.post(
        f"{household_url}/responses", json={"answers": answers}, headers=person("ans-1")
    )
    assert r.status_code == 201, r.text
    assert await answered(household_url, person("ans-2"))
    assert not await answered(household_url, person("ans-3"))

    # a survey the caller cannot see, and a malformed id
    r = await h.client.get(f"{SURVEYS}/{uuid.uuid4()}/answered", headers=person("ans-1"))
    assert r.status_code == 404 and r.json()["code"] == "evaluation.survey_not_found"
    r = await h.client.get(f"{SURVEYS}/not-an-id/answered", headers=person("ans-1"))
    assert r.status_code == 422
    assert (await h.client.get(f"{url}/answered")).status_code == 401
