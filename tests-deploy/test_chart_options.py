"""What an ops team sets beyond the defaults: volumes, sidecars, init containers, service
type, OpenShift, image digests, umbrella globals, KEDA, alert rules and dashboards."""

from __future__ import annotations

import json
from typing import Any

import helm_python as helm
import pytest
from deploy_helpers import by_kind, ck, component, production_with_samples

DIGEST = "sha256:" + "ab" * 32


def _pod(manifests: list[ck.Manifest], name: str) -> dict[str, Any]:
    spec: dict[str, Any] = by_kind(manifests, "Deployment")[component(name)].doc["spec"]
    return spec["template"]["spec"]


def test_volumes_sidecars_init_containers_and_service_settings() -> None:
    block = {
        "extraVolumes": [{"name": "ca", "configMap": {"name": "corp-ca"}}],
        "extraVolumeMounts": [{"name": "ca", "mountPath": "/etc/corp-ca", "readOnly": True}],
        "sidecars": [{"name": "shipper", "image": "fluent/fluent-bit:3.2"}],
        "initContainers": [{"name": "wait", "image": "busybox:1.37", "command": ["true"]}],
        "service": {"type": "LoadBalancer", "annotations": {"lb.example.com/internal": "true"}},
    }
    manifests = ck.render({"services": {"work-orders": block}})
    pod = _pod(manifests, "work-orders")
    assert [c["name"] for c in pod["initContainers"]] == ["migrate", "wait"]
    assert [c["name"] for c in pod["containers"]] == ["work-orders", "shipper"]
    assert {"name": "ca", "configMap": {"name": "corp-ca"}} in pod["volumes"]
    assert {"name": "ca", "mountPath": "/etc/corp-ca", "readOnly": True} in pod["containers"][0][
        "volumeMounts"
    ]
    service = by_kind(manifests, "Service")[component("work-orders")]
    assert service.doc["spec"]["type"] == "LoadBalancer"
    assert service.annotations == {"lb.example.com/internal": "true"}
    for m in manifests:
        assert not ck.validate_manifest(m), m.name


@pytest.mark.parametrize("mode", ["force", "disabled"])
def test_openshift_drops_the_fixed_uid(mode: str) -> None:
    values = {
        "global": {"compatibility": {"openshift": {"adaptSecurityContext": mode}}},
        "services": {"work-orders": {}},
    }
    pod = _pod(ck.render(values), "work-orders")
    fixed = {"runAsUser", "runAsGroup", "fsGroup"} & set(pod["securityContext"])
    containers = pod["containers"] + pod["initContainers"]
    if mode == "force":
        assert not fixed
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert all("runAsUser" not in c["securityContext"] for c in containers)
    else:
        assert fixed == {"runAsUser", "runAsGroup", "fsGroup"}


def test_images_pin_by_digest() -> None:
    values = {
        "gateway": {"image": {"digest": DIGEST}},
        "services": {"work-orders": {"image": {"digest": DIGEST}}},
        "topics": {"job": {"image": {"repository": "x/contracts", "digest": DIGEST}}},
    }
    manifests = ck.render(values)
    image = _pod(manifests, "work-orders")["containers"][0]["image"]
    assert image == f"smart-community/work-orders@{DIGEST}"
    job = by_kind(manifests, "Job")[component("topics")].doc["spec"]["template"]["spec"]
    assert job["containers"][0]["image"] == f"x/contracts@{DIGEST}"
    with pytest.raises(helm.HelmValuesError):
        ck.render({"gateway": {"image": {"digest": "latest"}}})


def test_schema_is_open_for_umbrella_globals_and_strict_for_its_own_keys() -> None:
    ck.render({"global": {"security": {"allowInsecureImages": True}, "storageClass": "fast"}})
    with pytest.raises(helm.HelmValuesError):
        ck.render({"global": {"compatibility": {"openshift": {"adaptSecurityContext": "yes"}}}})
    with pytest.raises(helm.HelmValuesError, match="replica"):
        ck.render({"gateway": {"replica": 2}})


def test_keda_scales_on_consumer_lag_instead_of_the_hpa() -> None:
    values = production_with_samples()
    values["services"] = {
        **values["services"],
        "alarm": {"autoscaling": {"keda": {"enabled": True, "lagThreshold": 200}}},
    }
    manifests = ck.render(values)
    scaled = by_kind(manifests, "ScaledObject")
    assert list(scaled) == [component("alarm")]
    spec = scaled[component("alarm")].doc["spec"]
    assert spec["scaleTargetRef"]["name"] == component("alarm")
    lag = spec["triggers"][0]
    assert lag["type"] == "prometheus"
    assert lag["metadata"]["query"] == (
        'sum(events_consumer_lag_records{namespace="community",job="alarm"})'
    )
    assert lag["metadata"]["threshold"] == "200"
    assert component("alarm") not in by_kind(manifests, "HorizontalPodAutoscaler")
    assert "replicas" not in by_kind(manifests, "Deployment")[component("alarm")].doc["spec"]


def test_alert_rules_and_dashboards_ship_with_the_chart() -> None:
    values = {
        "metrics": {"prometheusRule": {"enabled": True}, "grafanaDashboards": {"enabled": True}}
    }
    manifests = ck.render(values)
    rule = by_kind(manifests, "PrometheusRule")["sc-smart-community"].doc
    alerts = {r["alert"]: r["expr"] for g in rule["spec"]["groups"] for r in g["rules"]}
    for alert, metric in {
        "SmartCommunityOutboxBacklog": "outbox_pending",
        "SmartCommunityConsumerLag": "events_consumer_lag_records",
        "SmartCommunityDeadLetters": 'outcome="dead_lettered"',
        "SmartCommunityHigh5xxRate": 'status=~"5.."',
        "SmartCommunityWorkOrderSlaBreaches": "work_order_sla_events_total",
        "SmartCommunityAuditChainBroken": "audit_chain_verifications_total",
    }.items():
        assert metric in alerts[alert], alert
        assert 'namespace="community"' in alerts[alert]
    dashboards = [m for m in manifests if m.kind == "ConfigMap" and "dashboard" in m.name]
    assert dashboards and dashboards[0].labels["grafana_dashboard"] == "1"
    board = json.loads(next(iter(dashboards[0].doc["data"].values())))
    exprs = " ".join(t["expr"] for p in board["panels"] for t in p["targets"])
    for metric in ("http_requests_total", "events_consumer_lag_records", "outbox_pending"):
        assert metric in exprs


def test_chart_metadata_names_home_sources_and_icon() -> None:
    meta = ck.load_yaml(ck.ROOT / ck.CHART_REL / "Chart.yaml")
    assert meta["home"].startswith("https://")
    assert meta["sources"]
    assert meta["icon"].startswith("data:image/svg+xml;base64,")


def test_ev_chargers_reach_ocpp_through_the_ingress_and_photos_stay_on_a_volume() -> None:
    manifests = ck.render({})
    pod = _pod(manifests, "parking-payment")
    container = pod["containers"][0]
    assert {"name": "ocpp", "containerPort": 9000, "protocol": "TCP"} in container["ports"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["OCPP_ENABLED"] == "true"
    assert env["OCPP_PORT"] == "9000"
    assert env["PHOTO_DIR"].startswith("/var/lib/sc/")  # on the claim, not the pod's /tmp
    assert {"name": "data", "mountPath": "/var/lib/sc"} in container["volumeMounts"]
    claim_name = component("parking-payment") + "-data"
    assert {"name": "data", "persistentVolumeClaim": {"claimName": claim_name}} in pod["volumes"]
    claim = by_kind(manifests, "PersistentVolumeClaim")[claim_name]
    assert claim.doc["spec"]["resources"]["requests"]["storage"] == "20Gi"
    assert claim.annotations["helm.sh/resource-policy"] == "keep"  # photos outlive a release
    service = by_kind(manifests, "Service")[component("parking-payment")]
    assert {"name": "ocpp", "port": 9000, "targetPort": "ocpp", "protocol": "TCP"} in service.doc[
        "spec"
    ]["ports"]
    # wss://<host>/ocpp/<charge point id> goes to the central system; the rest to the gateway
    paths = by_kind(manifests, "Ingress")[component("gateway")].doc["spec"]["rules"][0]["http"][
        "paths"
    ]
    backends = {p["path"]: p["backend"]["service"] for p in paths}
    assert backends == {
        "/": {"name": component("gateway"), "port": {"name": "http"}},
        "/ocpp": {"name": component("parking-payment"), "port": {"name": "ocpp"}},
    }
    for m in manifests:
        assert not ck.validate_manifest(m), m.name
    # no other service keeps files or publishes a port
    assert list(by_kind(manifests, "PersistentVolumeClaim")) == [claim_name]


def test_a_volume_one_pod_can_mount_refuses_a_second_replica() -> None:
    block = {"replicaCount": 2, "persistence": {"accessModes": ["ReadWriteOnce"]}}
    with pytest.raises(helm.HelmRenderError, match="parking-payment: persistence with more"):
        ck.render({"services": {"parking-payment": block}})
    block["persistence"] = {"accessModes": ["ReadWriteMany"]}
    assert by_kind(ck.render({"services": {"parking-payment": block}}), "PersistentVolumeClaim")


def test_an_ingress_path_names_a_published_port_of_an_enabled_service() -> None:
    bad = {"path": "/ocpp", "pathType": "Prefix", "service": "parking-payment", "port": "http"}
    with pytest.raises(helm.HelmRenderError, match='has no extraPorts entry "http"'):
        ck.render({"gateway": {"ingress": {"extraPaths": [bad]}}})
    off = {"services": {"parking-payment": {"enabled": False}}}
    with pytest.raises(helm.HelmRenderError, match='the service "parking-payment" is not enabled'):
        ck.render(off)
    # switched off together, nothing is left behind
    off["gateway"] = {"ingress": {"extraPaths": []}}
    manifests = ck.render(off)
    assert not by_kind(manifests, "PersistentVolumeClaim")
