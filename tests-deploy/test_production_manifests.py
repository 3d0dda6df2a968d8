"""What the production render gives every workload (the gateway and each service)."""

from __future__ import annotations

from typing import Any

from deploy_helpers import by_kind, ck, component

HOOK = "helm.sh/hook"


def _container(deployment: ck.Manifest) -> dict[str, Any]:
    containers = deployment.doc["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_every_workload_has_probes_resources_and_hardening(prod_manifests, workloads):
    deployments = by_kind(prod_manifests, "Deployment")
    # and device-ingestion's MQTT transport (test_mqtt_transport.py)
    transport = component("mqtt-transport")
    assert sorted(deployments) == sorted([*(component(w) for w in workloads), transport])
    for name in workloads:
        dep = deployments[component(name)]
        c = _container(dep)
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert c["ports"][0]["containerPort"] == 8080
        assert {"cpu", "memory"} <= set(c["resources"]["requests"]), name
        assert {"cpu", "memory"} <= set(c["resources"]["limits"]), name
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert c["securityContext"]["allowPrivilegeEscalation"] is False
        assert dep.doc["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
        mounts = {m["mountPath"] for m in c["volumeMounts"]}
        writable_tmp = "/tmp"  # noqa: S108 - the path the pods must mount, not a temp file
        assert writable_tmp in mounts, "read-only root filesystem needs a writable /tmp"
        package = "gateway" if name == "gateway" else name.replace("-", "_")
        assert c["command"] == ["python", "-m", package]
        env = _env(c)
        assert env["SERVICE_NAME"] == name
        assert env["ENVIRONMENT"] == "production"
        assert env["HTTP_PORT"] == "8080"
        assert c["image"] == f"registry.example.com/smart-community/{name}:0.1.0"


def test_every_workload_autoscales_from_two_replicas(prod_manifests, workloads):
    hpas = by_kind(prod_manifests, "HorizontalPodAutoscaler")
    deployments = by_kind(prod_manifests, "Deployment")
    for name in workloads:
        hpa = hpas[component(name)]
        assert hpa.doc["apiVersion"] == "autoscaling/v2"
        assert hpa.doc["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": component(name),
        }
        assert hpa.doc["spec"]["minReplicas"] >= 2
        # the HPA owns the replica count: the Deployment must not fight it
        assert "replicas" not in deployments[component(name)].doc["spec"]


def test_every_workload_has_a_disruption_budget_for_its_own_pods(prod_manifests, workloads):
    pdbs = by_kind(prod_manifests, "PodDisruptionBudget")
    deployments = by_kind(prod_manifests, "Deployment")
    for name in workloads:
        pdb = pdbs[component(name)].doc["spec"]
        assert pdb.get("minAvailable", 0) >= 1 or pdb.get("maxUnavailable")
        pod_labels = deployments[component(name)].doc["spec"]["template"]["metadata"]["labels"]
        assert pdb["selector"]["matchLabels"].items() <= pod_labels.items()


def _peers(rule: dict[str, Any]) -> list[dict[str, Any]]:
    return rule.get("from", [])


def test_services_accept_only_the_gateway_and_monitoring(prod_manifests, workloads):
    policies = by_kind(prod_manifests, "NetworkPolicy")
    gateway_selector = {
        "app.kubernetes.io/name": "smart-community",
        "app.kubernetes.io/instance": ck.RELEASE,
        "app.kubernetes.io/component": "gateway",
    }
    monitoring = {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}
    for name in workloads:
        spec = policies[component(name)].doc["spec"]
        assert spec["policyTypes"] == ["Ingress", "Egress"]
        assert spec["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == name
        peers = [p for rule in spec["ingress"] for p in _peers(rule)]
        assert {"namespaceSelector": monitoring} in peers, name
        scrape = next(r for r in spec["ingress"] if {"namespaceSelector": monitoring} in r["from"])
        assert scrape["ports"] == [{"port": "metrics", "protocol": "TCP"}], name
        for peer in peers:
            assert peer, f"{name}: an empty peer would admit everything"
        ingress_ns = {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}
        if name == "gateway":
            assert peers == [{"namespaceSelector": ingress_ns}, {"namespaceSelector": monitoring}]
            continue
        published = [r for r in spec["ingress"] if {"namespaceSelector": ingress_ns} in r["from"]]
        if name == "parking-payment":  # EV chargers reach OCPP through the ingress, nothing else
            assert published == [
                {"from": [{"namespaceSelector": ingress_ns}],
                 "ports": [{"port": "ocpp", "protocol": "TCP"}]}
            ]  # fmt: skip
            peers = [p for rule in spec["ingress"] if rule not in published for p in _peers(rule)]
        else:
            assert not published, name
        pod_peers = [p["podSelector"]["matchLabels"] for p in peers if "podSelector" in p]
        assert gateway_selector in pod_peers, name
        for selector in pod_peers:
            component_label = selector.get("app.kubernetes.io/component")
            if component_label is None:  # whole release: only where the block asks for it
                assert name == "identity"
            elif component_label != "gateway":
                assert (name, component_label) == ("work-orders", "identity")


def test_every_workload_is_scraped(prod_manifests, workloads):
    monitors = by_kind(prod_manifests, "ServiceMonitor")
    services = by_kind(prod_manifests, "Service")
    for name in workloads:
        sm = monitors[component(name)].doc
        assert sm["apiVersion"] == "monitoring.coreos.com/v1"
        assert sm["metadata"]["labels"]["release"] == "kube-prometheus-stack"
        assert sm["spec"]["endpoints"][0]["path"] == "/metrics"
        # /metrics has a port of its own: the API port the ingress reaches has none
        assert sm["spec"]["endpoints"][0]["port"] == "metrics"
        ports = {p["name"]: p["port"] for p in services[component(name)].doc["spec"]["ports"]}
        # and only parking-payment publishes one more: OCPP for EV chargers
        extra = {"ocpp": 9000} if name == "parking-payment" else {}
        assert ports == {"http": 8080, "metrics": 9090, **extra}
        svc_labels = services[component(name)].labels
        assert sm["spec"]["selector"]["matchLabels"].items() <= svc_labels.items()


def test_production_secrets_come_from_existing_secrets(prod_manifests, workloads):
    assert by_kind(prod_manifests, "Secret") == {}, "production must not render key material"
    deployments = by_kind(prod_manifests, "Deployment")
    for name in workloads:
        env = _env(_container(deployments[component(name)]))
        assert env["FIELD_ENCRYPTION_KEYS"]["secretKeyRef"] == {
            "name": "smart-community-keys",
            "key": "FIELD_ENCRYPTION_KEYS",
        }
        if name in ("gateway", "notification"):
            assert "DATABASE_URL" not in env
        else:
            assert env["DATABASE_URL"]["secretKeyRef"] == {
                "name": "smart-community-database-urls",
                "key": f"{name}-database-url",
            }
        if name == "identity":
            assert env["JWT_SIGNING_KEYS"]["secretKeyRef"]["name"] == "smart-community-keys"
        else:
            assert "JWT_SIGNING_KEYS" not in env
        if name == "care":
            assert env["CARE_SIGNING_KEY"]["secretKeyRef"] == {
                "name": "smart-community-keys",
                "key": "CARE_SIGNING_KEY",
            }
        else:
            assert "CARE_SIGNING_KEY" not in env


def test_a_service_can_name_its_own_database_secret(prod_values):
    values = {
        **prod_values,
        "services": {
            **prod_values["services"],
            "work-orders": {"database": {"existingSecret": "wo-db", "existingSecretKey": "url"}},
        },
    }
    deployment = by_kind(ck.render(values), "Deployment")[component("work-orders")]
    ref = _env(_container(deployment))["DATABASE_URL"]["secretKeyRef"]
    assert ref == {"name": "wo-db", "key": "url"}


def test_migrations_run_first_in_every_pod_that_owns_a_database(prod_manifests, workloads):
    deployments = by_kind(prod_manifests, "Deployment")
    assert not [j for j in by_kind(prod_manifests, "Job") if j.endswith("-migrate")]
    with_database = [w for w in workloads if w not in ("gateway", "notification")]
    for name in workloads:
        pod = deployments[component(name)].doc["spec"]["template"]["spec"]
        inits = pod.get("initContainers", [])
        if name not in with_database:
            assert not inits, name
            continue
        migrate = inits[0]
        assert migrate["name"] == "migrate"
        assert migrate["command"] == ["python", "-m", name.replace("-", "_"), "migrate"]
        app = _container(deployments[component(name)])
        assert migrate["image"] == app["image"]
        assert _env(migrate)["DATABASE_URL"] == _env(app)["DATABASE_URL"]
        assert migrate["securityContext"] == app["securityContext"]


def test_egress_reaches_only_dns_kafka_postgres_and_the_release(prod_manifests, workloads):
    policies = by_kind(prod_manifests, "NetworkPolicy")
    for name in workloads:
        egress = policies[component(name)].doc["spec"]["egress"]
        ports = sorted({p["port"] for rule in egress for p in rule["ports"]}, key=str)
        expected = {53, 9092, 9093, 4317, 4318, "http"}
        if name not in ("gateway", "notification"):
            expected.add(5432)
        # HTTPS out only where a provider is called: SMS/push/voice webhooks, WeChat Pay
        # and Alipay
        extra = {"notification": {443}, "parking-payment": {443}}
        expected |= extra.get(name, set())
        # the S3 store of uploads: case attachments, listing photos, firmware packages
        if name in ("work-orders", "commerce", "device-ingestion"):
            expected |= {9000, 443}
        assert set(ports) == expected, name
        dns = egress[0]
        assert dns["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    # the topics hook Job: no ingress at all, egress to DNS and Kafka only, in place
    # before the Job runs
    topics = policies[component("topics")]
    assert topics.doc["spec"]["ingress"] == []
    ports = {p["port"] for rule in topics.doc["spec"]["egress"] for p in rule["ports"]}
    assert ports == {53, 9092, 9093, 4317, 4318}
    job = by_kind(prod_manifests, "Job")[component("topics")]
    assert int(topics.annotations["helm.sh/hook-weight"]) < int(
        job.annotations["helm.sh/hook-weight"]
    )


def test_topics_job_creates_the_chart_catalogue_before_the_services(prod_manifests):
    job = by_kind(prod_manifests, "Job")[component("topics")]
    assert set(job.annotations[HOOK].split(",")) == {"pre-install", "pre-upgrade"}
    catalogue = by_kind(prod_manifests, "ConfigMap")[component("topics")]
    assert int(catalogue.annotations["helm.sh/hook-weight"]) < int(
        job.annotations["helm.sh/hook-weight"]
    )
    assert catalogue.doc["data"]["topics.yaml"] == (ck.ROOT / ck.CHART_CATALOGUE_REL).read_text(
        encoding="utf-8"
    )
    c = job.doc["spec"]["template"]["spec"]["containers"][0]
    assert c["command"][:5] == ["python", "-m", "sc_contracts", "--root", "/etc/smart-community"]
    assert c["command"][5:] == [
        "create-topics",
        "--bootstrap",
        "$(KAFKA_BOOTSTRAP_SERVERS)",
        "--replication-factor",
        "3",
    ]
    assert c["image"] == "registry.example.com/smart-community/gateway:0.1.0"


def test_strimzi_topics_match_the_catalogue(prod_values):
    values = {**prod_values, "kafka": {**prod_values["kafka"], "strimzi": {"enabled": True}}}
    manifests = ck.render(values)
    assert component("topics") not in by_kind(manifests, "Job")
    topics = {m.doc["spec"]["topicName"]: m for m in manifests if m.kind == "KafkaTopic"}
    catalogue = ck.load_yaml(ck.ROOT / ck.CHART_CATALOGUE_REL)
    expected = _expected_topics(catalogue)
    assert set(topics) == set(expected)
    for name, (partitions, config) in expected.items():
        assert topics[name].doc["apiVersion"] == "kafka.strimzi.io/v1"
        spec = topics[name].doc["spec"]
        assert (spec["partitions"], spec.get("config", {})) == (partitions, config), name
        assert spec["replicas"] == 3
        assert topics[name].labels["strimzi.io/cluster"] == "kafka"
        # deleting a KafkaTopic deletes the topic's data: never on uninstall
        assert topics[name].annotations["helm.sh/resource-policy"] == "keep"


def _expected_topics(catalogue: dict[str, Any]) -> dict[str, tuple[int, dict[str, str]]]:
    """The topics sc_contracts creates, computed the same way as its catalogue module."""
    try:
        from sc_contracts.catalogue import parse_catalogue
    except ImportError:  # pragma: no cover - contracts not importable
        parse_catalogue = None
    out: dict[str, tuple[int, dict[str, str]]] = {}
    if parse_catalogue is not None:
        for t in parse_catalogue(catalogue).topics:
            out[t.name] = (t.partitions, t.configs)
            out[t.dlq.name] = (t.dlq.partitions, t.dlq.configs)
        return out
    defaults = catalogue.get("dlq_defaults") or {}
    for t in catalogue.get("topics") or []:
        dlq = {**defaults, **(t.get("dlq") or {})}
        out[t["name"]] = (
            t["partitions"],
            {"retention.ms": str(t["retention_ms"]), "cleanup.policy": t["cleanup_policy"]},
        )
        out[t["name"] + ".dlq"] = (
            dlq.get("partitions", 1),
            {
                "retention.ms": str(dlq.get("retention_ms", 2592000000)),
                "cleanup.policy": dlq.get("cleanup_policy", "delete"),
            },
        )
    return out


def test_gateway_routes_to_every_service_and_has_the_ingress(prod_manifests, workloads):
    import json

    gateway = _container(by_kind(prod_manifests, "Deployment")[component("gateway")])
    upstreams = json.loads(_env(gateway)["UPSTREAMS"])
    services = [w for w in workloads if w != "gateway"]
    assert upstreams == {s: f"http://{component(s)}:8080" for s in services}
    ingress = by_kind(prod_manifests, "Ingress")[component("gateway")].doc["spec"]
    backend = ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": component("gateway"), "port": {"name": "http"}}
    assert ingress["tls"] == [
        {"secretName": "community-api-tls", "hosts": ["api.community.example.com"]}
    ]
