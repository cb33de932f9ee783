"""deploy/grafana/todo-dashboard.json: a dashboard Grafana can import, with a panel for each
thing the issue asks to watch, reading only the metrics the workers export."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.deploy.metric_names import (
    ALERT_RULES,
    DASHBOARD,
    ISSUE_METRICS,
    dashboard_expressions,
    metric_names,
    used_metric_names,
)


def _reject(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON: Grafana's import rejects it")


def _dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"),
                                        parse_constant=_reject)
    return loaded


def test_dashboard_is_a_grafana_dashboard_with_a_datasource_variable() -> None:
    dashboard = _dashboard()
    assert isinstance(dashboard["schemaVersion"], int) and dashboard["schemaVersion"] >= 36
    assert dashboard["uid"] and dashboard["title"]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in dashboard["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert set(panel["gridPos"]) == {"h", "w", "x", "y"}
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}"
            assert 'namespace=~"$namespace"' in target["expr"], target["expr"]


def test_dashboard_has_the_panels_the_issue_asks_for() -> None:
    titles = " | ".join(p["title"].lower() for p in _dashboard()["panels"])
    for topic in ("per second, by group", "lag", "handle time p50 / p99", "reminder lateness",
                  "by channel and result", "dead letters"):
        assert topic in titles, topic
    exprs = "\n".join(dashboard_expressions())
    assert re.search(r"histogram_quantile\(0\.5, .*todo_event_handle_seconds_bucket", exprs)
    assert re.search(r"histogram_quantile\(0\.99, .*todo_event_handle_seconds_bucket", exprs)
    assert "sum by (channel, result) (rate(todo_deliveries_total" in exprs


def test_dashboard_and_alerts_use_only_the_issues_metric_names() -> None:
    used = used_metric_names()
    assert used["dashboard"] == ISSUE_METRICS, "the dashboard shows every exported metric"
    assert used["alerts"] <= ISSUE_METRICS
    assert used["alerts"] == {"todo_consumer_lag", "todo_dead_letters_total",
                              "todo_reminder_lateness_seconds", "todo_outbox_backlog"}


def test_metric_name_extraction_folds_histograms_and_keeps_counters() -> None:
    """The helper the workers' metrics test relies on reads PromQL as Prometheus would."""
    assert metric_names(
        'histogram_quantile(0.99, sum by (le) (rate(todo_event_handle_seconds_bucket[5m])))'
        ' / todo_event_handle_seconds_count + todo_relay_published_total'
    ) == {"todo_event_handle_seconds", "todo_relay_published_total"}
    assert metric_names('{{ include "todo.fullname" . }}') == set()
    assert "todo_outbox_backlog" in ALERT_RULES.read_text(encoding="utf-8")
