"""device-ingestion's MQTT transport as its own Deployment (ADR 0038): what the production
render gives it, and the compose file's `mqtt-transport`."""

from __future__ import annotations

import copy
from typing import Any

from deploy_helpers import by_kind, ck, component

TRANSPORT = component("mqtt-transport")


def _container(manifests: list[ck.Manifest], name: str) -> dict[str, Any]:
    deployment = by_kind(manifests, "Deployment")[name]
    containers = deployment.doc["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_the_transport_runs_device_ingestion_as_its_own_deployment(prod_manifests):
    c = _container(prod_manifests, TRANSPORT)
    service = _container(prod_manifests, component("device-ingestion"))
    assert c["command"] == ["python", "-m", "device_ingestion", "transport"]
    assert c["image"] == service["image"]
    env, service_env = _env(c), _env(service)
    assert env["SERVICE_NAME"] == "device-ingestion"
    # the service's database and Kafka: the same credentials, the same topics
    for shared in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "FIELD_ENCRYPTION_KEYS"):
        assert env[shared] == service_env[shared], shared
    assert env["MQTT_TRANSPORT_HOST"] == "0.0.0.0"
    assert (env["MQTT_TRANSPORT_PORT"], env["MQTT_TLS_PORT"]) == ("1883", "8883")
    assert env["MQTT_TLS_CERT_FILE"] == "/etc/mqtt-tls/tls.crt"
    assert env["MQTT_TLS_KEY_FILE"] == "/etc/mqtt-tls/tls.key"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports == {"http": 8080, "metrics": 9090, "mqtt": 1883, "mqtts": 8883}
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    pod = by_kind(prod_manifests, "Deployment")[TRANSPORT].doc["spec"]["template"]["spec"]
    assert "initContainers" not in pod  # the service's pods migrate
    tls = next(v for v in pod["volumes"] if v["name"] == "mqtt-tls")
    assert tls["secret"]["secretName"] == "mqtt-device-tls"
    mount = next(m for m in c["volumeMounts"] if m["name"] == "mqtt-tls")
    assert (mount["mountPath"], mount["readOnly"]) == ("/etc/mqtt-tls", True)
    # the service itself runs no MQTT and no broker client: downlinks go through Kafka
    assert service_env["MQTT_EMBEDDED"] == "false"
    assert "MQTT_URL" not in service_env


def test_devices_reach_1883_and_8883_through_a_load_balancer(prod_manifests):
    services = by_kind(prod_manifests, "Service")
    public = services[TRANSPORT].doc["spec"]
    assert public["type"] == "LoadBalancer"
    assert public["externalTrafficPolicy"] == "Local"
    ports = {p["name"]: (p["port"], p["targetPort"]) for p in public["ports"]}
    assert ports == {"mqtt": (1883, "mqtt"), "mqtts": (8883, "mqtts")}
    internal = services[f"{TRANSPORT}-internal"].doc["spec"]
    assert internal["type"] == "ClusterIP"
    assert {p["name"] for p in internal["ports"]} == {"http", "metrics"}
    deployment = by_kind(prod_manifests, "Deployment")[TRANSPORT]
    pod_labels = deployment.doc["spec"]["template"]["metadata"]["labels"]
    assert public["selector"].items() <= pod_labels.items()


def test_the_transport_scales_on_its_connections(prod_manifests):
    hpa = by_kind(prod_manifests, "HorizontalPodAutoscaler")[TRANSPORT].doc["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": TRANSPORT,
    }
    assert hpa["minReplicas"] >= 2
    pods = next(m for m in hpa["metrics"] if m["type"] == "Pods")["pods"]
    assert pods["metric"] == {"name": "mqtt_connections"}
    assert pods["target"] == {"type": "AverageValue", "averageValue": "5000"}
    assert "replicas" not in by_kind(prod_manifests, "Deployment")[TRANSPORT].doc["spec"]
    pdb = by_kind(prod_manifests, "PodDisruptionBudget")[TRANSPORT].doc["spec"]
    assert pdb["minAvailable"] == 1
    monitor = by_kind(prod_manifests, "ServiceMonitor")[TRANSPORT].doc["spec"]
    assert monitor["endpoints"][0]["port"] == "metrics"


def test_the_transport_takes_devices_and_reaches_only_dns_kafka_postgres_and_s3(
    prod_manifests,
):
    spec = by_kind(prod_manifests, "NetworkPolicy")[TRANSPORT].doc["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    devices = spec["ingress"][0]
    assert "from" not in devices  # devices come from anywhere, through the load balancer
    assert devices["ports"] == [
        {"port": "mqtt", "protocol": "TCP"},
        {"port": "mqtts", "protocol": "TCP"},
    ]
    monitoring = {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}
    assert spec["ingress"][1] == {
        "from": [{"namespaceSelector": monitoring}],
        "ports": [{"port": "metrics", "protocol": "TCP"}],
    }
    ports = {p["port"] for rule in spec["egress"] for p in rule["ports"]}
    assert ports == {53, 9092, 9093, 5432, 4317, 4318, 9000, 443}


def test_node_ports_without_tls_and_no_transport_when_off(prod_values):
    values = copy.deepcopy(prod_values)
    values["mqttTransport"] = {
        **values["mqttTransport"],
        "tls": {"secretName": ""},
        "service": {"type": "NodePort", "nodePorts": {"mqtt": 31883}},
    }
    manifests = ck.render(values)
    public = by_kind(manifests, "Service")[TRANSPORT].doc["spec"]
    assert public["type"] == "NodePort"
    assert [(p["name"], p["nodePort"]) for p in public["ports"]] == [("mqtt", 31883)]
    c = _container(manifests, TRANSPORT)
    assert "MQTT_TLS_CERT_FILE" not in _env(c)
    assert {p["name"] for p in c["ports"]} == {"http", "metrics", "mqtt"}
    values["mqttTransport"] = {"enabled": False}
    off = ck.render(values)
    assert not [m for m in off if m.name.startswith(TRANSPORT)]


def test_compose_runs_the_transport_instead_of_a_broker():
    compose = ck.load_yaml(ck.ROOT / ck.COMPOSE_REL)
    services = compose["services"]
    transport = services["mqtt-transport"]
    assert transport["command"] == ["transport"]
    assert transport["image"] == services["device-ingestion"]["image"]
    assert (
        transport["environment"]["DATABASE_URL"]
        == (services["device-ingestion"]["environment"]["DATABASE_URL"])
    )
    assert transport["ports"] == ["${MQTT_PORT:-1883}:1883"]
    assert services["device-ingestion"]["environment"]["MQTT_EMBEDDED"] == "false"
    assert "ports" not in services["device-ingestion"]
    images = " ".join(str(s.get("image", "")) for s in services.values())
    assert "mosquitto" not in images and "emqx" not in images
