"""deploy/helm/todo, with no cluster: Helm lints and renders it with the default values and
with every option on; every rendered manifest is valid for Kubernetes 1.30 (strict: no
unknown field) or against its CRD's published schema; the workers are wired as the issue
asks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.deploy.chart import (
    ALL_ON,
    CHART,
    CRD_SCHEMAS,
    KUBE_VERSION,
    WORKERS,
    all_on_with_hpa,
    by_kind,
    crd_schema,
    lint,
    render,
    render_files,
)
from tests.deploy.metric_names import DASHBOARD
from tests.deploy.tools import known_env_names, require_module

VARIANTS = {"defaults": None, "all-on": ALL_ON, "all-on-hpa": all_on_with_hpa()}


@pytest.mark.parametrize("variant", VARIANTS)
def test_helm_lint_strict_finds_no_warning(variant: str) -> None:
    report = lint(VARIANTS[variant])
    assert report["errors"] == []
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert problems == []


@pytest.mark.parametrize("values", [
    {"workers": {"notify": {"replicas": "many"}}},          # values.schema.json: not a number
    {"workres": {"notify": {"replicas": 2}}},                # a misspelt key
    {"metrics": {"prometheusRule": {"lagGrowingFor": "ten minutes"}}},
], ids=["replicas-not-a-number", "misspelt-key", "bad-duration"])
def test_helm_lint_rejects_bad_values(values: dict[str, Any]) -> None:
    """The lint above can fail: bad values are errors, not silently rendered."""
    report = lint(values)
    assert report["errors"] or any(m["severity"] >= 3 for m in report["messages"]), report


def _validate(doc: dict[str, Any]) -> None:
    key = (doc["apiVersion"], doc["kind"])
    if key in CRD_SCHEMAS:
        # OpenAPI v3.0 schemas are JSON Schema draft 4 in spirit; not checked as schemas
        # themselves because their patterns are Go regexps (a pattern applies only to a field
        # that is present, and we set none of those).
        jsonschema.Draft4Validator(crd_schema(*key)).validate(doc)
    else:
        require_module("kubernetes_validate.utils").validate(doc, KUBE_VERSION, strict=True)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_manifest_is_valid_kubernetes_1_30(variant: str) -> None:
    docs = render(VARIANTS[variant])
    assert docs
    for doc in docs:
        try:
            _validate(doc)
        except jsonschema.ValidationError as exc:
            pytest.fail(f"{doc['kind']} {doc['metadata']['name']}: {exc.message} "
                        f"at {list(exc.absolute_path)}")


def test_schema_validation_rejects_a_misspelt_field() -> None:
    """Both checks above are strict: a typo in a Deployment or a ServiceMonitor fails them."""
    docs = render(ALL_ON)
    deployment = by_kind(docs, "Deployment")["todo-notify"]
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(jsonschema.ValidationError):
        _validate(deployment)
    monitor = by_kind(docs, "ServiceMonitor")["todo"]
    monitor["spec"]["endpoints"][0]["scrapeIntervall"] = "5s"
    with pytest.raises(jsonschema.ValidationError):
        _validate(monitor)


def test_defaults_render_only_the_core_parts() -> None:
    kinds = sorted({d["kind"] for d in render()})
    assert kinds == ["ConfigMap", "Deployment", "Job", "PodDisruptionBudget", "Secret",
                     "Service", "ServiceAccount"]


def test_every_option_on_renders_every_optional_part() -> None:
    docs = render(ALL_ON)
    assert set(by_kind(docs, "ScaledObject")) == {"todo-notify", "todo-recurrence", "todo-audit"}
    assert set(by_kind(docs, "TriggerAuthentication")) == {"todo-kafka"}
    assert set(by_kind(docs, "ServiceMonitor")) == {"todo"}
    assert set(by_kind(docs, "PrometheusRule")) == {"todo"}
    assert set(by_kind(docs, "NetworkPolicy")) == {"todo"}
    assert "todo-dashboard" in by_kind(docs, "ConfigMap")
    hpas = by_kind(render(all_on_with_hpa()), "HorizontalPodAutoscaler")
    assert set(hpas) == {"todo-notify", "todo-recurrence", "todo-audit"}


def _pod_specs(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    specs = {name: d["spec"]["template"]["spec"] for name, d in by_kind(docs, "Deployment").items()}
    specs |= {name: d["spec"]["template"]["spec"] for name, d in by_kind(docs, "Job").items()}
    return specs


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_pod_runs_locked_down(variant: str) -> None:
    specs = _pod_specs(render(VARIANTS[variant]))
    assert set(specs) == {f"todo-{w}" for w in WORKERS} | {"todo-migrate"}
    for name, spec in specs.items():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        (container,) = spec["containers"]
        sc = container["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True, name
        assert sc["allowPrivilegeEscalation"] is False, name
        assert sc["capabilities"] == {"drop": ["ALL"]}, name
        assert "resources" in container and container["resources"]["requests"], name
        # A read-only root: the writable paths are emptyDirs.
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in spec["volumes"]}
        for path in ("/tmp", "/var/lib/todo"):
            assert "emptyDir" in volumes[mounts[path]], (name, path)


def test_each_worker_runs_its_command_with_probes_on_its_metrics_port() -> None:
    docs = render()
    deployments = by_kind(docs, "Deployment")
    config = by_kind(docs, "ConfigMap")["todo"]["data"]
    for worker in WORKERS:
        spec = deployments[f"todo-{worker}"]["spec"]["template"]["spec"]
        (container,) = spec["containers"]
        assert container["args"] == ["worker", worker]
        port = container["ports"][0]
        assert port["name"] == "metrics"
        assert config["TODO_WORKER__METRICS_PORT"] == str(port["containerPort"])
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
        assert spec["terminationGracePeriodSeconds"] == 30
        refs = [next(iter(e.values()))["name"] for e in container["envFrom"]]
        assert refs == ["todo", "todo"]  # the ConfigMap, then the Secret


def test_replicas_come_from_values_unless_an_autoscaler_owns_them() -> None:
    deployments = by_kind(render({"workers": {"notify": {"replicas": 5},
                                              "relay": {"replicas": 1}}}), "Deployment")
    assert deployments["todo-notify"]["spec"]["replicas"] == 5
    assert deployments["todo-relay"]["spec"]["replicas"] == 1
    assert deployments["todo-audit"]["spec"]["replicas"] == 1
    scaled = by_kind(render(ALL_ON), "Deployment")
    for worker in ("notify", "recurrence", "audit"):
        assert "replicas" not in scaled[f"todo-{worker}"]["spec"]
    assert scaled["todo-relay"]["spec"]["replicas"] == 2


def test_keda_and_hpa_together_is_refused() -> None:
    helm_error = require_module("helm_python").HelmError
    with pytest.raises(helm_error, match="enable keda or hpa, not both"):
        render({"autoscaling": {"keda": {"enabled": True}, "hpa": {"enabled": True}}})


def test_keda_scales_each_worker_on_its_own_consumer_group() -> None:
    scaled = by_kind(render(ALL_ON), "ScaledObject")
    notify = scaled["todo-notify"]["spec"]["triggers"][0]
    assert notify["type"] == "kafka"
    assert notify["metadata"]["consumerGroup"] == "todo.notify"
    assert notify["metadata"]["topic"] == "todo.reminders"
    assert notify["metadata"]["sasl"] == "scram_sha512"
    assert notify["metadata"]["tls"] == "enable"
    assert notify["authenticationRef"] == {"name": "todo-kafka"}
    assert scaled["todo-recurrence"]["spec"]["triggers"][0]["metadata"]["topic"] == \
        "todo.task-events"
    assert "topic" not in scaled["todo-audit"]["spec"]["triggers"][0]["metadata"]
    assert scaled["todo-notify"]["spec"]["scaleTargetRef"] == {"name": "todo-notify"}


def test_migration_is_a_hook_job_that_runs_before_install_and_upgrade() -> None:
    docs = render()
    job = by_kind(docs, "Job")["todo-migrate"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["db", "upgrade"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    # It reads hook copies of the settings, created before it (lower weight): the release's
    # own ConfigMap and Secret do not exist yet when pre-install hooks run.
    job_weight = int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    for kind in ("ConfigMap", "Secret"):
        copy = by_kind(docs, kind)["todo-migrate"]
        assert copy["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert int(copy["metadata"]["annotations"]["helm.sh/hook-weight"]) < job_weight
        assert copy.get("data", copy.get("stringData")) == \
            by_kind(docs, kind)["todo"].get("data", by_kind(docs, kind)["todo"].get("stringData"))
    assert [next(iter(e.values()))["name"] for e in container["envFrom"]] == \
        ["todo-migrate", "todo-migrate"]


def test_existing_secret_replaces_the_charts_secret() -> None:
    docs = render({"secrets": {"existingSecret": "todo-credentials"}})
    assert by_kind(docs, "Secret") == {}
    for name, spec in _pod_specs(docs).items():
        (container,) = spec["containers"]
        assert {"secretRef": {"name": "todo-credentials"}} in container["envFrom"], name


def test_settings_become_only_real_todo_variables() -> None:
    docs = render(ALL_ON)
    config = by_kind(docs, "ConfigMap")["todo"]["data"]
    secret = by_kind(docs, "Secret")["todo"]["stringData"]
    assert set(config) | set(secret) <= known_env_names(), \
        (set(config) | set(secret)) - known_env_names()
    assert secret == {
        "TODO_DATABASE__URL": "postgresql://todo:pw@db.example:5432/todo",
        "TODO_KAFKA__SASL_USERNAME": "todo", "TODO_KAFKA__SASL_PASSWORD": "kafka-pw",
        "TODO_NOTIFY__SMTP_USERNAME": "todo", "TODO_NOTIFY__SMTP_PASSWORD": "smtp-pw",
        "TODO_NOTIFY__WEBHOOK_TOKEN": "tk_123",
    }
    assert config["TODO_KAFKA__SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert config["TODO_TIMEZONE"] == "Europe/Berlin"
    assert not any("pw" in value for value in config.values()), "no secret in the ConfigMap"
    # Empty values are left out, so todo's own defaults apply.
    defaults = by_kind(render(), "ConfigMap")["todo"]["data"]
    assert "TODO_KAFKA__SASL_MECHANISM" not in defaults
    assert "TODO_TIMEZONE" not in defaults


def test_a_changed_setting_rolls_the_pods() -> None:
    def checksums(values: dict[str, Any] | None) -> dict[str, str]:
        pod = by_kind(render(values), "Deployment")["todo-notify"]["spec"]["template"]
        return {k: v for k, v in pod["metadata"]["annotations"].items()
                if k.startswith("checksum/")}

    base = checksums(None)
    assert checksums({"settings": {"notify": {"channels": "email"}}})["checksum/config"] != \
        base["checksum/config"]
    assert checksums({"secrets": {"database": {"url": "postgresql://x@y/z"}}})[
        "checksum/secret"] != base["checksum/secret"]


def test_pod_disruption_budgets_and_services_cover_every_worker() -> None:
    docs = render()
    for kind in ("PodDisruptionBudget", "Service"):
        assert set(by_kind(docs, kind)) == {f"todo-{w}" for w in WORKERS}, kind
    deployments = by_kind(docs, "Deployment")
    for name, pdb in by_kind(docs, "PodDisruptionBudget").items():
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    for name, service in by_kind(docs, "Service").items():
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= pod_labels.items()
        assert service["spec"]["ports"][0]["name"] == "metrics"


def test_standard_labels_on_every_resource() -> None:
    for doc in render(ALL_ON):
        labels = doc["metadata"]["labels"]
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance",
                    "app.kubernetes.io/version", "app.kubernetes.io/managed-by",
                    "helm.sh/chart"):
            assert key in labels, (doc["kind"], doc["metadata"]["name"], key)


def test_service_monitor_scrapes_every_worker_service() -> None:
    docs = render(ALL_ON)
    monitor = by_kind(docs, "ServiceMonitor")["todo"]
    selector = monitor["spec"]["selector"]["matchLabels"]
    services = by_kind(docs, "Service")
    assert {n for n, s in services.items()
            if selector.items() <= s["metadata"]["labels"].items()} == set(services)
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"


def test_network_policy_opens_only_the_metrics_port() -> None:
    policy = by_kind(render(ALL_ON), "NetworkPolicy")["todo"]["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    (ingress,) = policy["ingress"]
    assert ingress["ports"] == [{"port": "metrics", "protocol": "TCP"}]
    assert ingress["from"] == ALL_ON["networkPolicy"]["metricsFrom"]
    assert {"port": 53, "protocol": "UDP"} in policy["egress"][0]["ports"]
    assert policy["egress"][1] == ALL_ON["networkPolicy"]["egress"][0]


def test_grafana_dashboard_configmap_ships_the_dashboard_file() -> None:
    dashboard = by_kind(render(ALL_ON), "ConfigMap")["todo-dashboard"]
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    shipped = json.loads(dashboard["data"]["todo-dashboard.json"])
    assert shipped == json.loads(DASHBOARD.read_text(encoding="utf-8"))


def test_rendered_files_never_contain_a_template_error_marker() -> None:
    for path, text in render_files(ALL_ON).items():
        assert "<no value>" not in text, path


def test_packaged_chart_carries_the_dashboard(tmp_path: Path) -> None:
    """The chart's dashboards/ links to deploy/grafana/; `helm package` must copy the file in,
    or a chart installed from an archive or registry would ship an empty dashboard."""
    helm = require_module("helm_python")
    archive = helm.package(CHART, destination=tmp_path)
    with helm.Chart.load(archive) as chart:
        files = chart.render({"grafanaDashboard": {"enabled": True}}, name="todo",
                             namespace="apps", is_install=True)
    (doc,) = [d for d in yaml.safe_load_all(files["todo/templates/grafana-dashboard.yaml"]) if d]
    assert json.loads(doc["data"]["todo-dashboard.json"]) == \
        json.loads(DASHBOARD.read_text(encoding="utf-8"))
