"""Deployment checks behind `make helm-check` (part of `make test`).

    uv run python helm/check.py                # everything, then pytest tests-deploy
    uv run python helm/check.py --no-pytest    # static checks only
    uv run python helm/check.py --sync-topics  # copy contracts/topics.yaml into the chart

1. the chart's topic catalogue equals contracts/topics.yaml
2. `helm lint --strict` (Helm 4 SDK) with the default and the production values
3. render (Helm 4 SDK) for: defaults, production, production + sample services, and
   production with every option on (Strimzi KafkaTopics, PrometheusRule, dashboards, KEDA,
   OpenShift); every manifest validated offline against the Kubernetes schemas
   (kubernetes-validate, strict: unknown fields fail), then with kubeconform -strict at
   Kubernetes 1.25 and 1.37 with the CRD schemas of Strimzi, the Prometheus Operator and
   KEDA (helm/kubeconform.py, helm/crdschemas.py)
   kube-score: no CRITICAL finding beyond KUBE_SCORE_ALLOWED (helm/README.md)
4. the bundle chart (optional Bitnami Kafka/PostgreSQL) declares its dependencies with
   conditions and renders around this chart
5. yamllint on values, Chart.yaml files and deploy/docker-compose.yml; compose-go loads the
   compose file as `docker compose config` would (deploy/composecheck)
6. the compose file's structure, and services/ <-> values.yaml <-> compose wiring
7. the gateway's merged OpenAPI document: Spectral's `oas` ruleset, 0 errors (helm/apidoc.py)
8. pytest tests-deploy -q
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chartkit as ck

SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def step(title: str, fn: Callable[[], list[str]], failures: list[str]) -> None:
    start = time.perf_counter()
    try:
        problems = fn()
    except Exception as exc:  # a crash of a check is a failure of that check
        problems = [f"{type(exc).__name__}: {exc}"]
    took = time.perf_counter() - start
    status = "ok" if not problems else f"FAILED ({len(problems)})"
    print(f"[{took:6.2f}s] {title}: {status}")
    for problem in problems:
        print(f"           - {problem}")
    failures.extend(f"{title}: {p}" for p in problems)


def check_lint() -> list[str]:
    problems: list[str] = []
    chart = ck.ROOT / ck.CHART_REL
    for label, values in (("defaults", None), ("production", ck.production_values())):
        report = ck.lint(chart, values)
        for msg in report.get("messages", []):
            sev = SEVERITY.get(msg.get("severity", 0), "?")
            line = f"{label}: {sev} {msg.get('path')}: {msg.get('error')}"
            if msg.get("severity", 0) >= 2:
                problems.append(line)
            else:
                print(f"           . {line}")
        problems.extend(f"{label}: {e}" for e in report.get("errors", []) if e not in str(problems))
    return problems


def _validate_all(label: str, manifests: list[ck.Manifest]) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for m in manifests:
        key = (m.kind, m.doc.get("metadata", {}).get("namespace", ""), m.name)
        if key in seen:
            problems.append(f"{label}: duplicate {m.kind}/{m.name}")
        seen.add(key)
        problems.extend(f"{label}: {p}" for p in ck.validate_manifest(m))
    print(f"           . {label}: {len(manifests)} objects")
    return problems


def check_render() -> list[str]:
    prod = ck.production_values()
    prod_samples: dict[str, Any] = {**prod, "services": {**prod["services"], **ck.SAMPLE_SERVICES}}
    problems: list[str] = []
    problems += _validate_all("defaults", ck.render())
    problems += _validate_all("defaults+samples", ck.render({"services": ck.SAMPLE_SERVICES}))
    problems += _validate_all("production", ck.render(prod))
    problems += _validate_all("production+samples", ck.render(prod_samples, is_upgrade=True))
    problems += _validate_all("production+everything", ck.render(full_values()))
    return problems


def full_values() -> dict[str, Any]:
    """Production with every optional part on: Strimzi topics, alert rules, dashboards, a
    KEDA-scaled consumer, OpenShift security contexts."""
    prod = ck.production_values()
    # production's own service blocks stay (as `helm -f` merges them), samples added
    services = {
        **prod["services"],
        **ck.SAMPLE_SERVICES,
        "alarm": {"autoscaling": {"keda": {"enabled": True}}},
    }
    return {
        **prod,
        "services": services,
        "global": {"compatibility": {"openshift": {"adaptSecurityContext": "force"}}},
        "kafka": {**prod["kafka"], "strimzi": {"enabled": True}},
        "metrics": {
            **prod["metrics"],
            "prometheusRule": {"enabled": True},
            "grafanaDashboards": {"enabled": True},
        },
    }


def check_kubeconform() -> list[str]:
    """kubeconform -strict at Kubernetes 1.25 and 1.37, CRDs included (helm/kubeconform.py)."""
    import kubeconform
    import yaml

    prod = ck.production_values()
    renders = [
        ck.render({"services": ck.SAMPLE_SERVICES}),
        ck.render({**prod, "services": {**prod["services"], **ck.SAMPLE_SERVICES}}),
        ck.render(full_values()),
    ]
    documents = yaml.safe_dump_all([m.doc for manifests in renders for m in manifests])
    return kubeconform.validate(documents)


KUBE_SCORE = "github.com/zegl/kube-score/cmd/kube-score@v1.20.0"
# kube-score tests switched off, each for a reason (helm/README.md lists them too):
KUBE_SCORE_ALLOWED = {
    # images are pinned by release tag or digest: IfNotPresent is the right policy
    "container-image-pull-policy": "tags are immutable releases or digests",
    # pods are spread by topologySpreadConstraints over hostnames (soft), not anti-affinity
    "deployment-has-host-podantiaffinity": "topologySpreadConstraints spread the pods",
}


def check_kube_score() -> list[str]:
    """kube-score on the production render with every option on: no CRITICAL finding
    beyond the allow-list (warnings are printed, not failed)."""
    import gotools
    import yaml

    exe = gotools.installed(KUBE_SCORE)
    # its fixed UID (10001); OpenShift's arbitrary UID is not known before admission
    values = {**full_values(), "global": {}}
    documents = yaml.safe_dump_all([m.doc for m in ck.render(values)])
    cmd = [str(exe), "score", "--output-format", "ci", "-"]
    for test in KUBE_SCORE_ALLOWED:
        cmd += ["--ignore-test", test]
    result = subprocess.run(cmd, input=documents, capture_output=True, text=True, check=False)
    lines = result.stdout.splitlines()
    warnings = [line for line in lines if line.startswith("[WARNING]")]
    print(
        f"           . kube-score: {len(warnings)} warning(s), allowed: "
        + ", ".join(KUBE_SCORE_ALLOWED)
    )
    critical = [line for line in lines if line.startswith("[CRITICAL]")]
    if result.returncode and not critical:
        critical = [result.stdout[-1000:] + result.stderr[-1000:]]
    return critical


def check_bundle() -> list[str]:
    import shutil

    import helm_python as helm

    problems: list[str] = []
    bundle = ck.ROOT / ck.BUNDLE_REL
    meta = ck.load_yaml(bundle / "Chart.yaml")
    deps = {d["name"]: d for d in meta.get("dependencies", [])}
    for name in ("kafka", "postgresql"):
        dep = deps.get(name)
        if not dep:
            problems.append(f"bundle: dependency {name} not declared")
        elif dep.get("condition") != f"{name}.enabled":
            problems.append(f"bundle: dependency {name} needs condition: {name}.enabled")
    app = deps.get("smart-community") or {}
    if app.get("repository") != "file://../smart-community":
        problems.append("bundle: smart-community must come from file://../smart-community")
    app_meta = ck.load_yaml(ck.ROOT / ck.CHART_REL / "Chart.yaml")
    if str(app.get("version")) != str(app_meta["version"]):
        problems.append("bundle: smart-community dependency version != the chart's version")
    # Render the bundle the way `helm dependency build` would leave it when Kafka and
    # PostgreSQL are disabled: this chart under charts/, the Bitnami ones absent.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "smart-community-bundle"
        shutil.copytree(bundle, copy)
        shutil.copytree(ck.ROOT / ck.CHART_REL, Path(tmp) / "smart-community")
        shutil.copytree(ck.ROOT / ck.CHART_REL, copy / "charts/smart-community")
        report = ck.lint(copy)
        for e in report.get("errors", []):
            if "missing these dependencies: kafka,postgresql" not in e:
                problems.append(f"bundle lint: {e}")
        with helm.Chart.load(copy) as chart:
            rendered = chart.render(name=ck.RELEASE, namespace=ck.NAMESPACE, is_install=True)
        text = "\n".join(rendered.values())
        if f"{ck.RELEASE}-kafka:9092" not in text:
            problems.append("bundle: KAFKA_BOOTSTRAP_SERVERS does not point at the bundled Kafka")
    return problems


def check_compose() -> list[str]:
    """compose-go (the library of `docker compose config`) loads the compose file with
    deploy/.env.example and stand-in secrets: the Compose Specification's schema,
    interpolation, anchors and dependencies."""
    import gotools

    env = {
        **os.environ,
        "POSTGRES_PASSWORD": "check",
        "SC_DB_PASSWORD": "check",
        "FIELD_ENCRYPTION_KEYS": "k1:check",
        "CARE_EXCHANGE_PSEUDONYM_KEY": "check",
        "CARE_SIGNING_KEY": "check",
    }
    cmd = [
        str(gotools.composecheck()),
        "-q",
        "-f",
        str(ck.ROOT / ck.COMPOSE_REL),
        "--env-file",
        str(ck.ROOT / "deploy/.env.example"),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    return [line for line in result.stderr.splitlines() if line] if result.returncode else []


def check_yamllint() -> list[str]:
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    conf = YamlLintConfig(file=str(ck.ROOT / "helm/.yamllint.yaml"))
    files = [
        ck.CHART_REL / "Chart.yaml",
        ck.CHART_REL / "values.yaml",
        ck.PRODUCTION_VALUES_REL,
        ck.BUNDLE_REL / "Chart.yaml",
        ck.BUNDLE_REL / "values.yaml",
        ck.COMPOSE_REL,
        Path("helm/.yamllint.yaml"),
    ]
    problems = []
    for rel in files:
        text = (ck.ROOT / rel).read_text(encoding="utf-8")
        for p in linter.run(text, conf, str(rel)):
            problems.append(f"{rel}:{p.line}:{p.column}: {p.level}: {p.desc} ({p.rule})")
    return problems


def check_openapi() -> list[str]:
    """The merged OpenAPI document: 0 errors with Spectral's `oas` ruleset."""
    import apidoc

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "openapi.json"
        import json

        path.write_text(json.dumps(apidoc.merged_document(), ensure_ascii=False), "utf-8")
        errors, report = apidoc.spectral(path)
    print("           . " + report.splitlines()[0])
    return report.splitlines()[1:] if errors else []


def check_pytest() -> list[str]:
    tests = str(ck.ROOT / "tests-deploy")
    cmd = [sys.executable, "-m", "pytest", tests, "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(cmd, cwd=ck.ROOT, check=False, capture_output=True, text=True)
    tail = result.stdout.strip().splitlines()[-1:] if result.stdout else []
    for line in tail:
        print(f"           . {line}")
    if result.returncode != 0:
        return [result.stdout[-4000:] + result.stderr[-2000:]]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sync-topics", action="store_true", help="copy the catalogue and exit")
    parser.add_argument("--no-pytest", action="store_true", help="skip pytest tests-deploy")
    args = parser.parse_args(argv)

    if args.sync_topics:
        if ck.sync_catalogue():
            print(f"copied {ck.CATALOGUE_REL} -> {ck.CHART_CATALOGUE_REL}")
            return 0
        print(f"{ck.CATALOGUE_REL} does not exist yet; nothing to copy")
        return 0

    import helm_python as helm

    print(f"Helm SDK {helm.helm_sdk_version()} (helm-python-sdk {helm.__version__})")
    start = time.perf_counter()
    failures: list[str] = []
    step("topic catalogue in sync", ck.catalogue_problems, failures)
    step("helm lint --strict", check_lint, failures)
    step("render + kubernetes schemas", check_render, failures)
    step("kubeconform (k8s 1.25, 1.37, CRDs)", check_kubeconform, failures)
    step("kube-score", check_kube_score, failures)
    step("bundle chart", check_bundle, failures)
    step("yamllint", check_yamllint, failures)
    step("compose structure", ck.compose_problems, failures)
    step("compose file (compose-go)", check_compose, failures)
    step("services wiring", ck.wiring_problems, failures)
    step("OpenAPI document (Spectral oas)", check_openapi, failures)
    if not args.no_pytest:
        step("pytest tests-deploy", check_pytest, failures)
    took = time.perf_counter() - start
    if failures:
        print(f"helm-check FAILED: {len(failures)} problem(s) in {took:.1f}s")
        return 1
    print(f"helm-check passed in {took:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
