"""``make demo`` against the platform as ``make run`` starts it: it loads the district through the
public API, and a second run leaves everything as the first one did."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from typing import Any

import httpx
import pytest

from pdp_demo.district import DEPARTMENTS
from pdp_demo.steps import STEPS
from pdp_demo.steps.registry import OPERATOR as DEMO_OPERATOR
from pdp_demo.steps.sharing import CASES

from .conftest import RunningPlatform

RESOURCES = [(d.code, r) for d in DEPARTMENTS for r in d.resources]


def run_demo(platform: RunningPlatform) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PDP_GATEWAY_URL": platform.url}
    env.pop("PDP_BOOTSTRAP_ADMIN_ID", None)
    env.pop("PDP_BOOTSTRAP_ADMIN_SECRET", None)
    return subprocess.run(
        [sys.executable, "-m", "pdp_demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def every(platform: RunningPlatform, path: str, **params: Any) -> list[dict[str, Any]]:
    headers = platform.headers()
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 500, **params, **({"cursor": cursor} if cursor else {})}
        response = httpx.get(f"{platform.url}{path}", params=query, headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if not cursor:
            return items


def state(platform: RunningPlatform) -> dict[str, Any]:
    """What the demo made, as the bureau reads it through the gateway."""
    headers = platform.headers()
    resources = {r["code"]: r for r in every(platform, "/api/catalog/resources")}
    demo_codes = {spec.code for _, spec in RESOURCES}
    quality = {}
    for _, spec in RESOURCES:
        response = httpx.get(
            f"{platform.url}/api/catalog/resources/{resources[spec.code]['id']}/quality",
            headers=headers,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        quality[spec.code] = response.json()
    return {
        "departments": sorted(d["code"] for d in every(platform, "/api/catalog/departments")),
        "clients": sorted(c["client_id"] for c in every(platform, "/api/gateway/clients")),
        "resources": sorted(
            (code, r["status"], r["published_version"]) for code, r in resources.items()
        ),
        "volumes": {code: q["volume"] for code, q in quality.items()},
        "rejected": sum(q["rejected_total"] for q in quality.values()),
        "accepted": {code: q["accepted_total"] for code, q in quality.items()},
        "changes": len(every(platform, "/api/catalog/changes", department="WJW")),
        "objections": len(
            every(platform, f"/api/catalog/resources/{resources['SCJGJ-R01']['id']}/objections")
        ),
        **sharing_state(platform),
        **opening_state(platform, {r["id"]: c for c, r in resources.items() if c in demo_codes}),
        **registry_state(platform),
    }


def opening_state(platform: RunningPlatform, codes: dict[str, str]) -> dict[str, Any]:
    """The demo's listings (by resource code), its application, and how often each listing was
    read (other tests of the session may list resources of their own)."""
    headers = platform.headers()
    listings = [x for x in every(platform, "/api/opening/listings") if x["resource_id"] in codes]
    reads = {}
    for listing in listings:
        response = httpx.get(
            f"{platform.url}/api/opening/listings/{listing['id']}/figures",
            headers=headers,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        reads[codes[listing["resource_id"]]] = response.json()["figures"]["reads"]
    ids = {x["id"] for x in listings}
    return {
        "listings": sorted(
            (codes[x["resource_id"]], x["open_type"], x["status"]) for x in listings
        ),
        "applications": sorted(
            (a["status"], a["scenario"])
            for a in every(platform, "/api/opening/applications")
            if a["listing_id"] in ids
        ),
        "open_data_reads": reads,
    }


def registry_state(platform: RunningPlatform) -> dict[str, Any]:
    """The demo operator's authorisations and registrations, the market regulator's resource
    registration, application scenarios (other tests' operators left out)."""
    [operator] = [
        o["id"]
        for o in every(platform, "/api/registry/operators")
        if o["credit_code"] == DEMO_OPERATOR["credit_code"]
    ]
    return {
        "authorisations": sorted(
            (
                a["status"],
                a["end_cause"] or "",
                tuple(s["assessment"] for s in a["scenarios"]),
                a["last_called_at"] is not None,
            )
            for a in every(platform, "/api/registry/authorisations", operator=operator)
        ),
        "registrations": sorted(
            (r["kind"], r["marked"] or "")
            for r in every(platform, "/api/registry/registrations")
            if r["operator"] == operator or r["department"] == "SCJGJ"
        ),
        "application_scenarios": len(every(platform, "/api/registry/application-scenarios")),
    }


def sharing_state(platform: RunningPlatform) -> dict[str, Any]:
    """Requests by status, the grants, and where each of the demo's requests stands."""
    headers = platform.headers()
    requests = every(platform, "/api/sharing/requests")
    grants = every(platform, "/api/sharing/grants")
    cases: dict[str, Any] = {}
    for summary in requests:
        response = httpx.get(
            f"{platform.url}/api/sharing/requests/{summary['id']}", headers=headers, timeout=30
        )
        assert response.status_code == 200, response.text
        request = response.json()
        grant = next((g for g in grants if g["id"] == request["grant_id"]), None)
        cases[request["scenario"]] = {
            "status": request["status"],
            "overdue": request["overdue"],
            "notices": [n["kind"] for n in request["notices"]],
            "extension": request["extension"] and request["extension"]["status"],
            "grant": grant and grant["status"],
            "called": grant is not None and grant["last_called_at"] is not None,
        }
    return {
        "requests": sorted(Counter(r["status"] for r in requests).items()),
        "overdue": sum(r["overdue"] for r in requests),
        "grants": sorted((g["status"], g["last_called_at"] or "") for g in grants),
        "cases": cases,
    }


def expected_case(state: str) -> dict[str, Any]:
    """Where the demo leaves a request it made in ``state``."""
    case: dict[str, Any] = {
        "status": "submitted",
        "overdue": False,
        "notices": [],
        "extension": None,
        "grant": None,
        "called": False,
    }
    if state == "materials_requested":
        case.update(status="materials_requested", notices=["materials"])
    elif state == "resubmitted":
        case.update(notices=["materials"])
    elif state == "extended":
        case.update(notices=["extension"], extension="approved")
    elif state == "approved":
        case.update(status="approved", grant="active", called=True)
    elif state == "terminated":
        case.update(status="approved", grant="terminated")
    elif state == "rejected":
        case.update(status="rejected", notices=["rejection"])
    elif state == "overdue":
        case.update(overdue=True)
    return case


# Two full runs of the demo (a few hundred calls each) on a shared two-core machine.
@pytest.mark.timeout(600)
def test_the_demo_loads_the_district_and_a_second_run_changes_nothing(
    platform: RunningPlatform,
) -> None:
    first = run_demo(platform)
    assert first.returncode == 0, first.stdout + first.stderr
    after_first = state(platform)
    second = run_demo(platform)
    assert second.returncode == 0, second.stdout + second.stderr
    after_second = state(platform)

    for output in (first.stdout, second.stdout):
        assert output.count("\n[") + output.startswith("[") == len(STEPS)  # a line per step
        assert "拒收 0 条" in output
    assert {d.code for d in DEPARTMENTS} <= set(after_first["departments"])
    published = {code for code, status, _ in after_first["resources"] if status == "published"}
    assert {spec.code for _, spec in RESOURCES} <= published
    expected = {spec.code: spec.records for _, spec in RESOURCES}
    assert after_first["volumes"] == expected
    assert sum(expected.values()) > 200
    assert after_first["changes"] == 1
    assert after_first["objections"] == 1
    # Share requests in every state, one overdue; an approved grant called, another terminated.
    assert {c.scenario: expected_case(c.state) for c in CASES} == {
        c.scenario: after_first["cases"][c.scenario] for c in CASES
    }
    assert after_first["overdue"] >= 1
    assert Counter(after_first["cases"][c.scenario]["status"] for c in CASES) == {
        "submitted": 4,
        "materials_requested": 1,
        "approved": 2,
        "rejected": 1,
    }

    # Five listings, the conditional one with an approved application its applicant read once.
    assert after_first["listings"] == [
        ("JYJ-R01", "unconditional", "active"),
        ("MZJ-R02", "unconditional", "active"),
        ("SCJGJ-R01", "conditional", "active"),
        ("STHJJ-R01", "unconditional", "active"),
        ("WJW-R01", "unconditional", "active"),
    ]
    assert after_first["applications"] == [("approved", "企业信用查询服务")]
    assert after_first["open_data_reads"]["SCJGJ-R01"] == 1

    # Authorised operation: one authorisation in use, one revoked after a failed evaluation.
    assert after_first["authorisations"] == [
        ("active", "", ("pass", "pending"), True),
        ("revoked", "evaluation_failed", ("pass",), False),
    ]
    assert after_first["registrations"] == [("resource", ""), ("service", "")]
    assert after_first["application_scenarios"] == 1

    # Same state after the second run; its records were accepted again (an update), none rejected.
    accepted_twice = {code: 2 * n for code, n in expected.items()}
    assert after_second.pop("accepted") == accepted_twice
    assert after_first.pop("accepted") == expected
    assert after_second == after_first
    assert after_second["rejected"] == 0


def test_the_demo_says_clearly_when_the_platform_is_not_running() -> None:
    from pdp_kit.broker import free_port

    env = {**os.environ, "PDP_GATEWAY_URL": f"http://127.0.0.1:{free_port()}"}
    result = subprocess.run(
        [sys.executable, "-m", "pdp_demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "平台没有运行" in result.stderr
    assert "make run" in result.stderr
    assert "Traceback" not in result.stderr
