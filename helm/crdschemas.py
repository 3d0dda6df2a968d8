"""JSON schemas of the custom resources the chart renders, for kubeconform, in its
`<group>/<kind>_<version>.json` layout.

ServiceMonitor and PrometheusRule (Prometheus Operator) and ScaledObject (KEDA) come from
the PyPI packages cloudcoil-models-prometheus-operator and cloudcoil-models-keda
(Pydantic models generated from the operators' CRDs, Apache-2.0): each model's JSON
schema, made strict (an unknown field is an error, as kubeconform -strict does for
Kubernetes' own kinds). KafkaTopic (Strimzi) is vendored in helm/schemas/, with its source.

Run by helm/kubeconform.py in an environment that has those packages:
    uv run --with cloudcoil-models-keda==2.16.1.0 \\
        --with cloudcoil-models-prometheus-operator==0.80.1.0 python helm/crdschemas.py OUT
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

VENDORED = Path(__file__).resolve().parent / "schemas"


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def main(out: Path) -> int:
    from cloudcoil.models.keda.v1alpha1 import ScaledObject
    from cloudcoil.models.prometheus_operator.v1 import PrometheusRule, ServiceMonitor

    models = {
        ("monitoring.coreos.com", "servicemonitor", "v1"): ServiceMonitor,
        ("monitoring.coreos.com", "prometheusrule", "v1"): PrometheusRule,
        ("keda.sh", "scaledobject", "v1alpha1"): ScaledObject,
    }
    for (group, kind, version), model in models.items():
        schema = _strict(model.model_json_schema(by_alias=True))
        schema["properties"]["apiVersion"] = {"enum": [f"{group}/{version}"]}
        schema["properties"]["kind"] = {"enum": [model.__name__]}
        path = out / group / f"{kind}_{version}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema), encoding="utf-8")
    for source in VENDORED.glob("*/*.json"):
        target = out / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    print(f"crd schemas written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
