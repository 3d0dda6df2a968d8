"""The chart refuses values that cannot work, and manages secrets itself when asked to."""

from __future__ import annotations

import base64

import helm_python as helm
import pytest
from deploy_helpers import by_kind, ck, component, production_with_samples

KEY = "k1:" + base64.b64encode(bytes(range(32))).decode()


def test_production_refuses_placeholders_and_missing_secrets():
    values = production_with_samples()
    values["secrets"] = {"fieldEncryption": {"keys": "dev:change-me"}, "jwtSigning": {}}
    values["database"] = {"host": "pg", "port": 5432, "existingSecret": ""}
    with pytest.raises(helm.HelmRenderError) as err:
        ck.render(values)
    message = str(err.value)
    assert 'secrets.fieldEncryption.keys holds the placeholder "change-me"' in message
    assert "identity: secrets.jwtSigning needs existingSecret" in message
    assert "care: secrets.careSigning needs existingSecret (or key)" in message
    assert "work-orders: database.existingSecret (or database.password) is required" in message


def test_schema_rejects_a_typo_in_a_service_block():
    values = {"services": {"work-orders": {"replicas": 2}}}  # replicaCount is the key
    with pytest.raises(helm.HelmValuesError, match="replicas"):
        ck.render(values)


def test_schema_rejects_a_service_name_that_is_not_kebab_case():
    with pytest.raises(helm.HelmValuesError):
        ck.render({"services": {"Work_Orders": {}}})


def test_chart_managed_secrets_are_ordinary_release_resources():
    # Helm tracks them (helm uninstall removes them); the migration init container of the
    # Deployment reads them, so nothing needs them before the release's resources exist
    values = {
        "secrets": {"fieldEncryption": {"keys": KEY}, "jwtSigning": {"keys": "identity-keys"}},
        "services": {**ck.SAMPLE_SERVICES, "work-orders": {"database": {"password": "p@ss/w"}}},
    }
    manifests = ck.render(values)
    secrets = by_kind(manifests, "Secret")
    keys = secrets[f"{component('keys')}"]
    db = secrets[f"{component('work-orders')}-db"]
    url = base64.b64decode(db.doc["data"]["DATABASE_URL"]).decode()
    assert url == (
        "postgresql+asyncpg://work_orders:p%40ss%2Fw@postgresql.postgres.svc:5432/work_orders"
    )
    for secret in (keys, db):
        assert not any(a.startswith("helm.sh/hook") for a in secret.annotations)
    pod = by_kind(manifests, "Deployment")[component("work-orders")].doc["spec"]["template"]
    migrate = pod["spec"]["initContainers"][0]
    ref = {e["name"]: e.get("valueFrom") for e in migrate["env"]}["DATABASE_URL"]
    assert ref["secretKeyRef"]["name"] == db.name


def test_existing_secret_replaces_the_chart_secret():
    values = {
        "secrets": {"fieldEncryption": {"existingSecret": "vault-keys", "keys": KEY}},
        "services": {"work-orders": {}},
        "database": {"host": "pg", "port": 5432, "existingSecret": "db-urls"},
    }
    manifests = ck.render(values)
    assert by_kind(manifests, "Secret") == {}
    env = {
        e["name"]: e.get("valueFrom")
        for e in by_kind(manifests, "Deployment")[component("work-orders")].doc["spec"]["template"][
            "spec"
        ]["containers"][0]["env"]
    }
    assert env["FIELD_ENCRYPTION_KEYS"]["secretKeyRef"]["name"] == "vault-keys"
    assert env["DATABASE_URL"]["secretKeyRef"] == {
        "name": "db-urls",
        "key": "work-orders-database-url",
    }


def test_a_disabled_service_renders_nothing():
    manifests = ck.render({"services": {"work-orders": {"enabled": False}}})
    assert not [m for m in manifests if "work-orders" in m.name]


def test_without_a_gateway_a_service_admits_only_monitoring():
    # An ingress rule with no peers would admit everyone: it must disappear instead.
    manifests = ck.render(
        {
            "gateway": {"enabled": False},
            "services": {"work-orders": {}},
            "topics": {"job": {"image": {"repository": "x/gateway"}}},
        }
    )
    spec = by_kind(manifests, "NetworkPolicy")[component("work-orders")].doc["spec"]
    assert [rule["from"] for rule in spec["ingress"]] == [
        [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]
    ]
