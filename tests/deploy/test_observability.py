"""Offline checks of deploy/observability: the alert rules (promtool), their Kubernetes copy, the
Grafana dashboards and provisioning, and how compose and the overlays wire them in.

Which metric names the dashboards and rules may use is checked against a running platform in
tests/e2e/test_metrics_exist.py.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .test_manifests import APPS, COMPOSE_FILE, DEPLOY, ROOT, kubernetes_problems

OBSERVABILITY = DEPLOY / "observability"
RULES = OBSERVABILITY / "prometheus" / "alerts.yml"
RULE_TESTS = OBSERVABILITY / "prometheus" / "alerts.test.yml"
DASHBOARDS = sorted((OBSERVABILITY / "grafana" / "dashboards").glob("*.json"))
PROMTOOL = shutil.which("promtool")


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if PROMTOOL is None:
        message = "promtool is not installed (Debian package prometheus; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run(
        [PROMTOOL, *args], capture_output=True, text=True, timeout=120, check=False
    )


def rule_groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = yaml.safe_load(RULES.read_text())["groups"]
    return groups


def alerts() -> list[dict[str, Any]]:
    return [rule for group in rule_groups() for rule in group["rules"] if "alert" in rule]


def k8s_documents(name: str) -> list[dict[str, Any]]:
    path = OBSERVABILITY / "k8s" / name
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


# --------------------------------------------------------------------------- alert rules


def test_promtool_accepts_the_alert_rules() -> None:
    result = promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alerts())} rules found" in result.stdout


def test_promtool_unit_tests_of_the_alerts_pass() -> None:
    result = promtool("test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_rejects_a_broken_rule(tmp_path: Path) -> None:
    """The check above would catch a bad expression (it is not a formality)."""
    broken = copy.deepcopy(yaml.safe_load(RULES.read_text()))
    broken["groups"][0]["rules"][0]["expr"] = "sum by (service (up"
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True))
    assert promtool("check", "rules", str(path)).returncode != 0


def test_the_issue_s_alerts_are_there_each_with_a_severity_and_a_summary() -> None:
    names = [rule["alert"] for rule in alerts()]
    assert len(names) == len(set(names))
    assert {
        "PdpServiceDown",
        "PdpOverdueClocksRising",
        "PdpOutboxBacklog",
        "PdpOutboxStuck",
        "PdpConsumerLag",
        "PdpDeadLetters",
        "PdpNetworkLogDropped",
        "PdpAuditIntegrityFailed",
        "PdpHighErrorRate",
        "PdpHighLatencyP95",
    } <= set(names)
    for rule in alerts():
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


def test_every_alert_is_explained_in_the_deploy_readme() -> None:
    readme = (DEPLOY / "README.md").read_text()
    for rule in alerts():
        assert f"`{rule['alert']}`" in readme, f"deploy/README.md does not explain {rule['alert']}"


def test_the_prometheus_rule_for_kubernetes_has_the_same_groups() -> None:
    [rule] = k8s_documents("prometheusrule.yaml")
    assert rule["kind"] == "PrometheusRule"
    assert rule["spec"]["groups"] == rule_groups()


def test_compose_prometheus_loads_the_rule_file() -> None:
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    config = yaml.safe_load((DEPLOY / "compose" / "prometheus.yml").read_text())
    mounts = [volume.split(":")[:2] for volume in compose["services"]["prometheus"]["volumes"]]
    [(source, target)] = [(s, t) for s, t in mounts if s.endswith("alerts.yml")]
    assert (ROOT / source).resolve() == RULES
    assert any(fnmatch.fnmatch(target, pattern) for pattern in config["rule_files"])


# --------------------------------------------------------------------------- Kubernetes monitors


def test_every_api_has_a_service_monitor_and_every_worker_a_pod_monitor() -> None:
    docs = k8s_documents("monitors.yaml")
    monitors = {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == "ServiceMonitor"}
    assert set(monitors) == {f"{app}-api" for app in APPS}
    for app in APPS:
        spec = monitors[f"{app}-api"]["spec"]
        assert spec["selector"]["matchLabels"] == {"app.kubernetes.io/name": app}
        [endpoint] = spec["endpoints"]
        assert (endpoint["port"], endpoint["path"]) == ("http", "/metrics")
        labels = {r["targetLabel"]: r.get("replacement") for r in endpoint["relabelings"]}
        assert labels == {"job": "pdp", "service": app, "role": "api"}
    [pods] = [doc for doc in docs if doc["kind"] == "PodMonitor"]
    assert pods["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "worker"
    [endpoint] = pods["spec"]["podMetricsEndpoints"]
    labels = {r["targetLabel"]: r.get("replacement") for r in endpoint["relabelings"]}
    assert labels == {"job": "pdp", "service": None, "role": "worker"}


def test_the_monitoring_objects_match_their_schemas_and_a_misspelt_field_fails() -> None:
    docs = k8s_documents("monitors.yaml") + k8s_documents("prometheusrule.yaml")
    for doc in docs:
        assert kubernetes_problems(doc) is None, doc["metadata"]["name"]
    broken = copy.deepcopy(docs[0])
    broken["spec"]["endpoints"][0]["intervall"] = "15s"
    assert kubernetes_problems(broken)
    rule = copy.deepcopy(next(d for d in docs if d["kind"] == "PrometheusRule"))
    rule["spec"]["groups"][0]["rules"][0]["for"] = "two minutes"
    assert kubernetes_problems(rule)


def test_the_base_includes_the_observability_kustomization() -> None:
    base = yaml.safe_load((DEPLOY / "k8s" / "base" / "kustomization.yaml").read_text())
    assert "../../observability" in base["resources"]
    spec = yaml.safe_load((OBSERVABILITY / "kustomization.yaml").read_text())
    [generator] = spec["configMapGenerator"]
    assert generator["options"]["labels"] == {"grafana_dashboard": "1"}
    assert sorted(OBSERVABILITY / f for f in generator["files"]) == DASHBOARDS


# --------------------------------------------------------------------------- Grafana


def test_there_are_the_three_dashboards() -> None:
    assert [path.name for path in DASHBOARDS] == [
        "gateway-clients.json",
        "platform-overview.json",
        "regulation-clocks.json",
    ]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda path: path.stem)
def test_every_dashboard_parses_and_queries_prometheus_through_its_variable(path: Path) -> None:
    board = json.loads(path.read_text())
    assert board["uid"] and board["title"] and board["panels"]
    assert re.search(r"[\u4e00-\u9fff]", board["title"]), "titles are in Chinese"
    variables = {var["name"]: var for var in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids))
    queries = 0
    for panel in board["panels"]:
        if panel["type"] == "row":
            continue
        assert re.search(r"[\u4e00-\u9fff]", panel["title"]), panel["title"]
        assert panel["datasource"]["uid"] == "${datasource}"
        for target in panel["targets"]:
            assert target["expr"].strip()
            queries += 1
    assert queries >= 5


def test_dashboard_uids_are_unique() -> None:
    uids = [json.loads(path.read_text())["uid"] for path in DASHBOARDS]
    assert len(uids) == len(set(uids))


def test_compose_grafana_is_provisioned_with_prometheus_and_the_dashboards() -> None:
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    grafana = compose["services"]["grafana"]
    mounts = {
        target: source
        for source, target, *_ in (volume.split(":") for volume in grafana["volumes"])
    }
    provisioning = ROOT / mounts["/etc/grafana/provisioning"]
    datasources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    [source] = datasources["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    assert "prometheus" in compose["services"]
    providers = yaml.safe_load((provisioning / "dashboards" / "pdp.yml").read_text())
    [provider] = providers["providers"]
    folder = provider["options"]["path"]
    assert (ROOT / mounts[folder]).resolve() == DASHBOARDS[0].parent
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home.startswith(folder + "/")
    assert (DASHBOARDS[0].parent / home.rsplit("/", 1)[1]).is_file()
    assert grafana["ports"] == ["3000:3000"]
