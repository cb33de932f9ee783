"""The PrometheusRule's alerts: promtool parses them, and promtool's rule unit tests show each
one fires on the series it is about and stays quiet on healthy ones."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.chart import ALL_ON, by_kind, render
from tests.deploy.metric_names import ISSUE_METRICS, metric_names
from tests.deploy.tools import require_tool

ALERTS = {"TodoConsumerLagGrowing", "TodoDeadLetters", "TodoReminderLate", "TodoWorkerNotReady",
          "TodoOutboxBacklogGrowing"}


def _promtool() -> str:
    return require_tool("promtool", "scripts/services.sh: apt-get install prometheus")


def _groups(values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    rule = by_kind(render(values or ALL_ON, namespace="apps"), "PrometheusRule")["todo"]
    groups: list[dict[str, Any]] = rule["spec"]["groups"]
    return groups


def _write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_rule_has_the_issues_alerts_on_the_issues_metrics() -> None:
    rules = _groups()[0]["rules"]
    assert {r["alert"] for r in rules} == ALERTS
    for rule in rules:
        assert metric_names(rule["expr"]) <= ISSUE_METRICS, rule["alert"]
        assert rule["labels"]["team"] == "todo"  # additionalAlertLabels


def test_promtool_accepts_the_rules(tmp_path: Path) -> None:
    rules = _write(tmp_path / "rules.yaml", {"groups": _groups()})
    result = subprocess.run([_promtool(), "check", "rules", str(rules)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(ALERTS)} rules found" in result.stdout


def test_promtool_rejects_a_broken_expression(tmp_path: Path) -> None:
    groups = _groups()
    groups[0]["rules"][0]["expr"] = "sum by (group (todo_consumer_lag)"
    rules = _write(tmp_path / "rules.yaml", {"groups": groups})
    result = subprocess.run([_promtool(), "check", "rules", str(rules)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0


def _alert(name: str, **labels: str) -> dict[str, Any]:
    rule = next(r for r in _groups()[0]["rules"] if r["alert"] == name)
    return {"exp_labels": {**rule["labels"], **labels}}


NS = 'namespace="apps"'

# (alert, input series, eval time, alerts expected then). Series: promtool's expanding notation.
CASES: list[tuple[str, list[dict[str, str]], str, list[dict[str, Any]] | None]] = [
    ("TodoDeadLetters",
     [{"series": f'todo_dead_letters_total{{{NS},group="notify"}}', "values": "0 0 0 1 1 1"}],
     "5m", [{"group": "notify", "namespace": "apps"}]),
    ("TodoDeadLetters",
     [{"series": f'todo_dead_letters_total{{{NS},group="notify"}}', "values": "3x30"}],
     "30m", []),
    ("TodoReminderLate",
     [{"series": f'todo_reminder_lateness_seconds_bucket{{{NS},le="{le}"}}', "values": v}
      for le, v in (("1", "0+10x30"), ("5", "0+10x30"), ("10", "0+20x30"),
                    ("+Inf", "0+20x30"))],
     "15m", [{"namespace": "apps"}]),
    ("TodoReminderLate",
     [{"series": f'todo_reminder_lateness_seconds_bucket{{{NS},le="{le}"}}', "values": "0+10x30"}
      for le in ("1", "5", "10", "+Inf")],
     "15m", []),
    ("TodoConsumerLagGrowing",
     [{"series": f'todo_consumer_lag{{{NS},group="notify",partition="0"}}', "values": "0+10x40"}],
     "25m", [{"group": "notify", "namespace": "apps"}]),
    ("TodoConsumerLagGrowing",  # large but steady: the workers keep up
     [{"series": f'todo_consumer_lag{{{NS},group="notify",partition="0"}}', "values": "500x40"}],
     "25m", []),
    ("TodoConsumerLagGrowing",  # growing, but not yet for 10 minutes
     [{"series": f'todo_consumer_lag{{{NS},group="audit",partition="1"}}',
       "values": "0x15 0+10x10"}],
     "24m", []),
    ("TodoWorkerNotReady",
     [{"series": f'kube_pod_status_ready{{{NS},pod="todo-notify-7d9f-x2x",condition="false"}}',
       "values": "1x10"}],
     "7m", [{"pod": "todo-notify-7d9f-x2x", "namespace": "apps"}]),
    ("TodoWorkerNotReady",  # not ready for 3 minutes only
     [{"series": f'kube_pod_status_ready{{{NS},pod="todo-notify-7d9f-x2x",condition="false"}}',
       "values": "1x10"}],
     "3m", []),
    ("TodoWorkerNotReady",  # another release's pod is not ours
     [{"series": f'kube_pod_status_ready{{{NS},pod="other-notify-1",condition="false"}}',
       "values": "1x10"}],
     "7m", []),
    ("TodoOutboxBacklogGrowing",
     [{"series": f"todo_outbox_backlog{{{NS}}}", "values": "0+5x40"}],
     "25m", [{"namespace": "apps"}]),
    ("TodoOutboxBacklogGrowing",  # drained: the relay publishes
     [{"series": f"todo_outbox_backlog{{{NS}}}", "values": "200-5x40"}],
     "25m", []),
]


@pytest.mark.parametrize(("alert", "series", "at", "expected"), CASES,
                         ids=[f"{c[0]}-{'fires' if c[3] else 'quiet'}-{i}"
                              for i, c in enumerate(CASES)])
def test_alert_fires_only_when_it_should(tmp_path: Path, alert: str,
                                         series: list[dict[str, str]], at: str,
                                         expected: list[dict[str, Any]]) -> None:
    groups = _groups()
    for rule in groups[0]["rules"]:
        rule.pop("annotations")  # the text is for people; this test is about when they fire
    _write(tmp_path / "rules.yaml", {"groups": groups})
    wanted = [_alert(alert, **labels) for labels in expected]
    tests = {"rule_files": ["rules.yaml"], "evaluation_interval": "1m",
             "tests": [{"interval": "1m", "input_series": series,
                        "alert_rule_test": [{"eval_time": at, "alertname": alert,
                                             "exp_alerts": wanted}]}]}
    spec = _write(tmp_path / "tests.yaml", tests)
    result = subprocess.run([_promtool(), "test", "rules", str(spec)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
