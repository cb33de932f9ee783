"""The metric names the dashboard and the alerts use, in one place.

The issue fixes the names the workers export (ISSUE_METRICS); the dashboard and the
PrometheusRule may use only those. The workers' own metrics test can compare
`used_metric_names()` with what a scrape of the running workers returns.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.deploy.tools import REPO

DASHBOARD = REPO / "deploy" / "grafana" / "todo-dashboard.json"
ALERT_RULES = REPO / "deploy" / "helm" / "todo" / "templates" / "prometheusrule.yaml"

# Metric families as PromQL names them: counters with _total, histograms by their base name.
ISSUE_METRICS = frozenset({
    "todo_events_processed_total",
    "todo_event_handle_seconds",
    "todo_consumer_lag",
    "todo_outbox_backlog",
    "todo_relay_published_total",
    "todo_dead_letters_total",
    "todo_reminder_lateness_seconds",
    "todo_deliveries_total",
})
HISTOGRAMS = frozenset({"todo_event_handle_seconds", "todo_reminder_lateness_seconds"})

_NAME = re.compile(r"\btodo_[a-z0-9_]*[a-z0-9]")


def metric_names(promql: str) -> set[str]:
    """The todo_* metric families a PromQL text reads (histogram series folded to the family)."""
    names = set()
    for name in _NAME.findall(promql):
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        names.add(family if family in HISTOGRAMS else name)
    return names


def dashboard_expressions(path: Path = DASHBOARD) -> list[str]:
    """Every PromQL expression of the dashboard: panel targets and templating queries."""
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            exprs.append(variable["definition"])
    return exprs


def alert_expressions(path: Path = ALERT_RULES) -> list[str]:
    """The `expr:` blocks of the PrometheusRule template (template text, not rendered)."""
    return re.findall(r"expr: \|-\n((?:\s{12}.*\n)+)", path.read_text(encoding="utf-8"))


def used_metric_names() -> dict[str, set[str]]:
    """{"dashboard": names, "alerts": names}: the todo_* families each one relies on."""
    return {
        "dashboard": set().union(*map(metric_names, dashboard_expressions())),
        "alerts": set().union(*map(metric_names, alert_expressions())),
    }
