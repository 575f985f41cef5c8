"""Every metric the dashboards and alert rules use is one the running platform exposes.

Starts ``make run``'s platform (the ``platform`` fixture), scrapes the gateway's and every
service's ``/metrics`` and compares the metric families there with the names in every PromQL
expression of deploy/observability (dashboards, their variables, and the alert rules).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import yaml

from .conftest import SERVICE_ORDER, RunningPlatform

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "deploy" / "observability"

#: Series Prometheus makes itself for every target; no process exposes them.
PROMETHEUS_SERIES = frozenset({"up"})

#: PromQL's own words: aggregations, functions, keywords and operators spelt as words.
PROMQL_WORDS = frozenset(
    {
        "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
        "count_values", "group", "rate", "irate", "increase", "delta", "idelta", "deriv",
        "histogram_quantile", "time", "timestamp", "vector", "scalar", "abs", "ceil", "floor",
        "round", "clamp", "clamp_min", "clamp_max", "absent", "absent_over_time", "changes",
        "resets", "label_replace", "label_join", "sort", "sort_desc", "avg_over_time",
        "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "last_over_time",
        "quantile_over_time", "predict_linear", "and", "or", "unless", "bool", "offset",
        "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
    }
)  # fmt: skip


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression (or a Grafana ``label_values`` query) reads."""
    if match := re.fullmatch(r"\s*label_values\(\s*([a-zA-Z_:][\w:]*)?.*\)\s*", expr, re.S):
        return {match.group(1)} if match.group(1) else set()
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # strings (matcher values)
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    text = re.sub(r"\boffset\s+\S+", "", text)  # offset 1d
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    text = re.sub(r"\b\d[\w.]*", "", text)  # numbers (1e3, 0.95)
    words = re.findall(r"[a-zA-Z_:][\w:]*", text)
    return {word for word in words if word.lower() not in PROMQL_WORDS}


def observability_queries() -> dict[str, str]:
    """Every query in deploy/observability: where it is -> the expression."""
    queries: dict[str, str] = {}
    for path in sorted((OBSERVABILITY / "grafana" / "dashboards").glob("*.json")):
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                queries[f"{path.name}: {panel['title']} {target['refId']}"] = target["expr"]
        for variable in board["templating"]["list"]:
            if variable["type"] == "query":
                queries[f"{path.name}: ${variable['name']}"] = variable["query"]["query"]
    rules = yaml.safe_load((OBSERVABILITY / "prometheus" / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            queries[f"alerts.yml: {rule.get('alert') or rule.get('record')}"] = str(rule["expr"])
    return queries


def exposed_names(exposition: str) -> set[str]:
    """Every series name a Prometheus exposition can give, from its ``# TYPE`` lines (a
    labelled family nothing has counted yet is there too, with no samples)."""
    names: set[str] = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", exposition, flags=re.MULTILINE):
        names.add(name)
        if kind == "histogram":
            names |= {f"{name}_bucket", f"{name}_count", f"{name}_sum"}
        elif kind == "summary":
            names |= {f"{name}_count", f"{name}_sum"}
    return names


def test_metric_names_are_read_out_of_promql() -> None:
    expr = (
        "histogram_quantile(0.95, sum by (service, le) (rate(http_server_request_duration_"
        'seconds_bucket{job="pdp", service=~"$service"}[$__rate_interval]))) > 1 and on (service)'
        ' max by (kind) (pdp_open_clocks{state="overdue"} offset 1d) - time() * 2e3'
    )
    assert metric_names(expr) == {
        "http_server_request_duration_seconds_bucket",
        "pdp_open_clocks",
    }
    assert metric_names('label_values(up{job="pdp"}, service)') == {"up"}
    assert metric_names("min(pdp_audit_integrity_ok) == 0") == {"pdp_audit_integrity_ok"}


def test_every_metric_the_dashboards_and_alerts_use_is_exposed(
    platform: RunningPlatform,
) -> None:
    exposed: set[str] = set()
    scraped = {"gateway": platform.url} | {
        name: platform.service_url(name) for name in SERVICE_ORDER
    }
    for name, url in scraped.items():
        response = httpx.get(f"{url}/metrics", timeout=10)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        exposed |= exposed_names(response.text)
    missing: dict[str, set[str]] = {}
    for where, expr in observability_queries().items():
        names = metric_names(expr) - exposed - PROMETHEUS_SERIES
        if names:
            missing[where] = names
    assert not missing, f"metrics used but exposed by no process: {missing}"
    # Sanity: the scrape did find the platform's own families, from every kind of process.
    assert {
        "pdp_outbox_backlog",
        "pdp_consumer_lag",
        "pdp_gateway_rejections_total",
        "pdp_audit_integrity_ok",
        "http_server_request_duration_seconds_bucket",
    } <= exposed
