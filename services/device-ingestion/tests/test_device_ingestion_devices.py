"""The device register: types as data, CRUD scoped and paged, tokens shown once."""

from __future__ import annotations

from device_ingestion.db.models import metadata
from device_ingestion.main import MIGRATIONS
from di_helpers import Harness

from sc_core.auth import Grant
from sc_core.db.migrate import model_drift, upgrade


async def test_migrations_match_the_models(fresh_database_url: str) -> None:
    await upgrade(MIGRATIONS, fresh_database_url)
    assert await model_drift(fresh_database_url, metadata) == []


async def test_device_types_are_data_with_units_and_ranges(
    harness: Harness, community: str
) -> None:
    response = await harness.client.get("/api/v1/device-types", headers=harness.admin(community))
    assert response.status_code == 200
    types = {t["name"]: t for t in response.json()}
    for name in (
        "air_quality_sensor",
        "water_quality_sensor",
        "water_meter",
        "electricity_meter",
        "gas_meter",
        "smoke_detector",
        "hydrant_pressure_sensor",
        "manhole_cover",
        "street_light",
        "elevator",
        "water_tank",
        "supply_monitor",
        "ev_charger",
        "ebike_charger",
        "waste_bin",
        "door_contact",
        "emergency_button",
        "wearable",
        "structural_monitor",
        "gate",
        "edge_ai_camera",
    ):
        assert name in types, name
    co2 = {k["name"]: k for k in types["air_quality_sensor"]["keys"]}["co2"]
    assert (co2["type"], co2["unit"], co2["min"], co2["max"]) == ("number", "ppm", 0, 50000)
    assert co2["fiware"] == "AirQualityObserved.co2"
    assert types["electricity_meter"]["counter"] == "totalActiveEnergyImport"


async def test_create_shows_the_token_once_and_stores_only_its_hash(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "meter-1", "water_meter", building_id="b-1")
    token = device["access_token"]
    assert len(token) >= 20
    rows = await harness.sql("SELECT token_hash FROM devices WHERE id = :id", id=device["id"])
    assert rows[0].token_hash != token and token not in rows[0].token_hash
    read = await harness.client.get(
        f"/api/v1/devices/{device['id']}", headers=harness.admin(community)
    )
    assert read.status_code == 200
    assert "access_token" not in read.json()
    assert read.json()["building_id"] == "b-1"
    assert read.json()["status"] == "offline"


async def test_list_is_scoped_and_paged(harness: Harness, community: str) -> None:
    for i in range(25):
        await harness.create_device(
            community, f"d-{i:02d}", "environment_sensor", building_id=f"{community}-b-{i % 2}"
        )
    await harness.create_device("c-999", "elsewhere", "environment_sensor")
    admin = harness.admin(community)
    first = (await harness.client.get("/api/v1/devices", headers=admin)).json()
    assert first["total"] == 25 and len(first["items"]) == 20 and first["next_offset"] == 20
    second = (
        await harness.client.get("/api/v1/devices", params={"offset": 20}, headers=admin)
    ).json()
    names = [d["name"] for d in first["items"] + second["items"]]
    assert names == [f"d-{i:02d}" for i in range(25)]
    staff = harness.user(Grant("property_staff", "building", f"{community}-b-1"))
    scoped = (await harness.client.get("/api/v1/devices", headers=staff)).json()
    assert scoped["total"] == 12
    assert {d["building_id"] for d in scoped["items"]} == {f"{community}-b-1"}


async def test_out_of_scope_and_bad_input_are_problems(harness: Harness, community: str) -> None:
    other = harness.admin("c-999")
    body = {"name": "x", "device_type": "water_meter", "community_id": community}
    denied = await harness.client.post("/api/v1/devices", json=body, headers=other)
    assert denied.status_code == 403 and denied.json()["code"] == "auth.out_of_scope"
    bad = {**body, "device_type": "toaster"}
    unknown = await harness.client.post(
        "/api/v1/devices", json=bad, headers=harness.admin(community)
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "device.unknown_type"
    await harness.create_device(community, "x", "water_meter")
    again = await harness.client.post(
        "/api/v1/devices", json=body, headers=harness.admin(community)
    )
    assert again.status_code == 409 and again.json()["code"] == "device.name_taken"
    anonymous = await harness.client.get("/api/v1/devices")
    assert anonymous.status_code == 401


async def test_update_rotate_and_delete(harness: Harness, community: str) -> None:
    device = await harness.create_device(community, "lamp-1", "street_light")
    url = f"/api/v1/devices/{device['id']}"
    patched = await harness.client.patch(
        url,
        json={"label": "North gate lamp", "inactivity_timeout_s": 60},
        headers=harness.admin(community),
    )
    assert patched.status_code == 200
    assert patched.json()["label"] == "North gate lamp"
    old = device["access_token"]
    rotated = (await harness.client.post(f"{url}/token", headers=harness.admin(community))).json()
    assert rotated["access_token"] != old
    reading = {"powerState": "on"}
    refused = await harness.client.post(f"/api/v1/{old}/telemetry", json=reading)
    assert refused.status_code == 401 and refused.json()["code"] == "device.invalid_token"
    fresh = await harness.client.post(f"/api/v1/{rotated['access_token']}/telemetry", json=reading)
    assert fresh.status_code == 200
    deleted = await harness.client.delete(url, headers=harness.admin(community))
    assert deleted.status_code == 204
    assert (await harness.client.get(url, headers=harness.admin(community))).status_code == 404


async def test_provisioning_by_key_and_secret(harness: Harness, community: str) -> None:
    profile = await harness.client.post(
        "/api/v1/provision-profiles",
        json={"name": "meters", "device_type": "water_meter", "community_id": community},
        headers=harness.admin(community),
    )
    assert profile.status_code == 201
    key, secret = profile.json()["key"], profile.json()["secret"]
    request = {"deviceName": "m-77", "provisionDeviceKey": key, "provisionDeviceSecret": secret}
    answer = (await harness.client.post("/api/v1/provision", json=request)).json()
    assert answer["status"] == "SUCCESS" and answer["credentialsType"] == "ACCESS_TOKEN"
    token = answer["credentialsValue"]
    sent = await harness.client.post(f"/api/v1/{token}/telemetry", json={"flow": 1.5})
    assert sent.status_code == 200 and sent.json()["accepted"] == 1
    wrong = {**request, "deviceName": "m-78", "provisionDeviceSecret": "guess"}
    assert (await harness.client.post("/api/v1/provision", json=wrong)).json()[
        "status"
    ] == "NOT_FOUND"
    twice = (await harness.client.post("/api/v1/provision", json=request)).json()
    assert twice["status"] == "FAILURE"
