"""Rendering and linting deploy/helm/todo offline with Helm's own engine (helm-python-sdk
binds the Helm v4 Go SDK: no binary, no cluster)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.tools import REPO, require_module

CHART = REPO / "deploy" / "helm" / "todo"
KUBE_VERSION = "1.30.0"
SCHEMAS = Path(__file__).parent / "schemas"
WORKERS = ("relay", "recurrence", "audit", "notify")

# Every optional part on, with the values a real installation would give.
ALL_ON: dict[str, Any] = {
    "image": {"repository": "registry.example/todo", "tag": "1.2.3", "pullPolicy": "Always"},
    "imagePullSecrets": [{"name": "regcred"}],
    "serviceAccount": {"annotations": {"iam.example/role": "todo-workers"}},
    "settings": {
        "timezone": "Europe/Berlin",
        "kafka": {"bootstrap_servers": "kafka-0.kafka:9093,kafka-1.kafka:9093",
                  "security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
                  "partitions": 6},
        "notify": {"channels": "webhook,email", "webhook_url": "https://ntfy.example/todo",
                   "smtp_host": "smtp.example", "smtp_from": "todo@example.com",
                   "smtp_to": "team@example.com"},
    },
    "secrets": {
        "database": {"url": "postgresql://todo:pw@db.example:5432/todo"},
        "kafka": {"sasl_username": "todo", "sasl_password": "kafka-pw"},
        "notify": {"smtp_username": "todo", "smtp_password": "smtp-pw",
                   "webhook_token": "tk_123"},
    },
    "metrics": {
        "serviceMonitor": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}},
        "prometheusRule": {"enabled": True, "labels": {"release": "kube-prometheus-stack"},
                           "additionalAlertLabels": {"team": "todo"}},
    },
    "grafanaDashboard": {"enabled": True, "annotations": {"grafana_folder": "todo"}},
    "networkPolicy": {
        "enabled": True,
        "allowAllEgress": False,
        "metricsFrom": [{"namespaceSelector": {
            "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
        "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}],
                    "ports": [{"port": 5432, "protocol": "TCP"},
                              {"port": 9093, "protocol": "TCP"}]}],
    },
    "autoscaling": {"keda": {"enabled": True}},
    "workerDefaults": {
        "podAnnotations": {"example/owner": "todo"},
        "podLabels": {"team": "todo"},
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [{"key": "workers", "operator": "Exists", "effect": "NoSchedule"}],
        "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "preference": {"matchExpressions": [
                {"key": "pool", "operator": "In", "values": ["workers"]}]}}]}},
        "topologySpreadConstraints": [{
            "maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "todo"}}}],
        "extraEnv": [{"name": "TODO_WORKER__BATCH", "value": "200"}],
    },
    "workers": {"notify": {"replicas": 3, "resources": {"limits": {"memory": "512Mi"}}}},
}


def all_on_with_hpa() -> dict[str, Any]:
    """ALL_ON with the HPA on the lag metric instead of KEDA."""
    values = copy.deepcopy(ALL_ON)
    values["autoscaling"] = {"keda": {"enabled": False}, "hpa": {"enabled": True}}
    return values


def _helm() -> Any:
    return require_module("helm_python")


def lint(values: dict[str, Any] | None = None) -> dict[str, Any]:
    """`helm lint --strict --kube-version 1.30` of the chart with `values`."""
    report: dict[str, Any] = _helm().lint(CHART, values, strict=True,
                                          kube_version=f"v{KUBE_VERSION}")
    return report


def render_files(values: dict[str, Any] | None = None,
                 namespace: str = "apps") -> dict[str, str]:
    """`helm template todo deploy/helm/todo`: template path -> rendered text."""
    with _helm().Chart.load(CHART) as chart:
        files: dict[str, str] = chart.render(values, name="todo", namespace=namespace,
                                             is_install=True)
    return files


def render(values: dict[str, Any] | None = None, namespace: str = "apps") -> list[dict[str, Any]]:
    """Every manifest the chart renders with `values` (NOTES.txt left out)."""
    docs: list[dict[str, Any]] = []
    for path, text in sorted(render_files(values, namespace).items()):
        if path.endswith("NOTES.txt"):
            continue
        docs += [doc for doc in yaml.safe_load_all(text) if doc]
    return docs


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    """The manifests of one kind, by name."""
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor-monitoring-v1.json",
    ("monitoring.coreos.com/v1", "PrometheusRule"): "prometheusrule-monitoring-v1.json",
    ("keda.sh/v1alpha1", "ScaledObject"): "scaledobject-keda-v1alpha1.json",
    ("keda.sh/v1alpha1", "TriggerAuthentication"): "triggerauthentication-keda-v1alpha1.json",
}


def crd_schema(api_version: str, kind: str) -> dict[str, Any]:
    """The published openAPIV3Schema of a CRD, closed: a field the CRD does not declare is an
    error (the API server would silently prune it, so the setting would never apply)."""
    schema: dict[str, Any] = json.loads(
        (SCHEMAS / CRD_SCHEMAS[(api_version, kind)]).read_text(encoding="utf-8"))
    return _closed(schema)


def _closed(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _closed(value) for key, value in node.items()}
        if ("properties" in node and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")):
            node["additionalProperties"] = False
    elif isinstance(node, list):
        node = [_closed(item) for item in node]
    return node
