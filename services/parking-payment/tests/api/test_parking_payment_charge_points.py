"""Registering a charge point (``PUT /api/v1/charging/charge-points/{id}``): the community's
property manager registers a pile with its name and tariff, the same PUT again changes it
(never a second pile), another community's manager and a resident are refused, a pile of
one community cannot be taken over by another, and the inputs are bounded."""

from __future__ import annotations

import uuid

from test_parking_payment_api import app_client  # noqa: F401 (fixture)

from parking_payment.db.charging import ChargePointRow
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer


async def test_a_manager_registers_and_changes_a_pile(app_client, issuer: LocalIssuer):  # noqa: F811
    client, _settings = app_client
    here, there = f"c-{uuid.uuid4().hex[:8]}", f"c-{uuid.uuid4().hex[:8]}"
    manager = issuer.bearer("cp-manager", grants=[Grant("property_manager", "community", here)])
    stranger = issuer.bearer("cp-other", grants=[Grant("property_manager", "community", there)])
    resident = issuer.bearer("cp-res", grants=[Grant("resident", "household", "h-cp")])
    pile = f"CP-{uuid.uuid4().hex[:8].upper()}"
    body = {"community_id": here, "name": "2号充电桩", "energy_price": 80, "service_fee": 60}

    r = await client.put(f"/api/v1/charging/charge-points/{pile}", headers=manager, json=body)
    assert r.status_code == 200, r.text
    assert r.json() == {**body, "id": pile, "has_password": False, "online": False}
    changed = {**body, "service_fee": 70, "password": "pile-secret-02"}
    r = await client.put(f"/api/v1/charging/charge-points/{pile}", headers=manager, json=changed)
    assert r.status_code == 200, r.text
    assert (r.json()["service_fee"], r.json()["has_password"]) == (70, True)
    async with client.app.state.runtime.db.uow() as uow:
        row = await uow.session.get(ChargePointRow, pile)
        assert row is not None and row.password_hash and "pile-secret" not in row.password_hash

    for who, community in ((stranger, here), (resident, here)):
        r = await client.put(
            f"/api/v1/charging/charge-points/{pile}",
            headers=who,
            json={**body, "community_id": community},
        )
        assert r.status_code == 403, r.text
    r = await client.put(
        f"/api/v1/charging/charge-points/{pile}",
        headers=stranger,
        json={**body, "community_id": there},
    )
    assert (r.status_code, r.json()["code"]) == (409, "parking.charger_elsewhere")

    for path, payload in (
        (f"/api/v1/charging/charge-points/{'c' * 49}", body),
        ("/api/v1/charging/charge-points/a%2Fb", body),
        (f"/api/v1/charging/charge-points/{pile}", {**body, "energy_price": -1}),
        (f"/api/v1/charging/charge-points/{pile}", {**body, "name": "x" * 61}),
        (f"/api/v1/charging/charge-points/{pile}", {**body, "password": "short"}),
    ):
        r = await client.put(path, headers=manager, json=payload)
        assert r.status_code in (404, 422), (path, r.status_code)
