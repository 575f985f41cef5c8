"""Authorisations (Art. 27): the bureau grants them over published resources for a term; each
scenario is assessed before use; periodic evaluations; revocation and expiry end them."""

from datetime import date
from typing import Any

from pdp_contracts.registry import (
    AuthorisationEvaluated,
    AuthorisationExpired,
    AuthorisationGranted,
    AuthorisationRevoked,
    EvaluationOpened,
    ScenarioAssessed,
)

Registry = Any


async def test_a_granted_authorisation_starts_active_with_every_scenario_pending(
    registry: Registry, outbox: Any
) -> None:
    operator, headers = await registry.operator()
    created = await registry.authorise(operator)

    assert created["status"] == "active"
    assert [s["assessment"] for s in created["scenarios"]] == ["pending", "pending"]
    assert created["security_environment"] == "公共数据运营平台安全可信环境"
    assert created["next_evaluation_on"] == "2027-06-01"  # yearly by default
    shown = await registry.get(f"/authorisations/{created['id']}", headers)
    assert shown["resources"] == ["R1", "R2"]
    [event] = await outbox.events(AuthorisationGranted.event_type)
    assert (event.subject, event.data["operator"]) == (created["id"], operator)


async def test_an_authorisation_over_unpublished_resources_with_a_backwards_term_lists_both(
    registry: Registry,
) -> None:
    operator, _ = await registry.operator()
    body = {
        "operator": operator,
        "resources": ["R1", "DRAFT"],
        "scenarios": ["企业信用画像"],
        "valid_from": "2026-12-31",
        "valid_until": "2026-07-01",
    }
    problem = await registry.post("/authorisations", registry.bureau, body, status=422)

    assert {e["field"] for e in problem["errors"]} == {"resources", "valid_until"}
    assert "DRAFT" in next(e["message"] for e in problem["errors"] if e["field"] == "resources")


async def test_an_unknown_operator_and_duplicate_scenarios_are_422(registry: Registry) -> None:
    body = {
        "operator": "nobody",
        "resources": ["R1"],
        "scenarios": ["企业信用画像"],
        "valid_from": "2026-06-01",
        "valid_until": "2027-05-31",
    }
    await registry.post("/authorisations", registry.bureau, body, status=422)
    operator, _ = await registry.operator()
    body.update(operator=operator, scenarios=["普惠金融", "普惠金融"])
    await registry.post("/authorisations", registry.bureau, body, status=422)


async def test_only_the_bureau_grants_assesses_evaluates_and_revokes(
    registry: Registry, as_department: dict[str, str], as_datacenter: dict[str, str]
) -> None:
    operator, headers = await registry.operator()
    body = {
        "operator": operator,
        "resources": ["R1"],
        "scenarios": ["企业信用画像"],
        "valid_from": "2026-06-01",
        "valid_until": "2027-05-31",
    }
    for who in (as_department, as_datacenter, headers):
        await registry.post("/authorisations", who, body, status=403)
    created = await registry.authorise(operator)
    path = f"/authorisations/{created['id']}"
    assessment = {"scenario": "企业信用画像", "result": "pass"}
    evaluation = {"result": "fail", "reason": "自评"}
    revocation = {"cause": "serious_breach", "reason": "自行终止"}
    for who in (as_datacenter, headers):
        await registry.post(f"{path}/assessments", who, assessment, status=403)
        await registry.post(f"{path}/evaluations", who, evaluation, status=403)
        await registry.post(f"{path}/revoke", who, revocation, status=403)
    await registry.post(f"{path}/assessments", as_department, assessment, status=403)
    # A department does not learn the authorisation exists.
    await registry.get(path, as_department, status=404)


async def test_an_operator_never_sees_another_operators_authorisation(
    registry: Registry, as_public: dict[str, str], as_cyberspace: dict[str, str]
) -> None:
    mine, me = await registry.operator()
    theirs, them = await registry.operator("另一家运营公司")
    authorisation = await registry.authorise(theirs)
    path = f"/authorisations/{authorisation['id']}"

    await registry.get(path, me, status=404)
    await registry.get(path, as_public, status=404)
    assert (await registry.get(path, as_cyberspace))["id"] == authorisation["id"]
    assert (await registry.get("/authorisations", me))["items"] == []
    listed = await registry.get("/authorisations", them)
    assert [a["id"] for a in listed["items"]] == [authorisation["id"]]
    await registry.get("/authorisations", as_public, status=403)
    assert mine != theirs


async def test_an_assessment_records_each_scenarios_latest_result(
    registry: Registry, outbox: Any
) -> None:
    operator, headers = await registry.operator()
    created = await registry.authorise(operator)
    path = f"/authorisations/{created['id']}"

    await registry.assess(created["id"], "普惠金融", "fail")
    await registry.assess(created["id"], "企业信用画像", "pass")
    shown = await registry.get(path, headers)
    assert {s["name"]: s["assessment"] for s in shown["scenarios"]} == {
        "企业信用画像": "pass",
        "普惠金融": "fail",
    }
    await registry.assess(created["id"], "普惠金融", "pass")
    history = await registry.client.get(f"/api/registry{path}/assessments", headers=headers)
    assert [(a["scenario"], a["result"]) for a in history.json()["items"]] == [
        ("普惠金融", "fail"),
        ("企业信用画像", "pass"),
        ("普惠金融", "pass"),
    ]
    assert len(await outbox.events(ScenarioAssessed.event_type)) == 3
    unknown = {"scenario": "精准营销", "result": "pass"}
    problem = await registry.post(f"{path}/assessments", registry.bureau, unknown, status=422)
    assert problem["errors"][0]["field"] == "scenario"


async def test_a_failed_evaluation_revokes_and_publishes_the_revocation(
    registry: Registry, outbox: Any
) -> None:
    operator, headers = await registry.operator()
    created = await registry.authorise(operator)
    path = f"/authorisations/{created['id']}"

    verdict = {"result": "fail", "reason": "年度评估不合格：未落实安全管理制度"}
    evaluation = await registry.post(f"{path}/evaluations", registry.bureau, verdict)
    assert (evaluation["status"], evaluation["result"]) == ("failed", "fail")

    shown = await registry.get(path, headers)
    assert (shown["status"], shown["end_cause"]) == ("revoked", "evaluation_failed")
    [revoked] = await outbox.events(AuthorisationRevoked.event_type)
    assert revoked.data["cause"] == "evaluation_failed"
    assert revoked.data["resources"] == ["R1", "R2"]
    [evaluated] = await outbox.events(AuthorisationEvaluated.event_type)
    assert evaluated.data["next_evaluation_on"] is None
    # A revoked authorisation is neither evaluated, assessed nor revoked again.
    again = {"cause": "serious_breach", "reason": "重复"}
    problem = await registry.post(f"{path}/revoke", registry.bureau, again, status=409)
    assert problem["type"].endswith("authorisation-state")
    await registry.post(f"{path}/evaluations", registry.bureau, verdict, status=409)
    assessment = {"scenario": "普惠金融", "result": "pass"}
    await registry.post(f"{path}/assessments", registry.bureau, assessment, status=409)


async def test_the_sweep_opens_the_yearly_evaluation_once_and_a_pass_sets_the_next(
    registry: Registry, outbox: Any, today: Any
) -> None:
    operator, headers = await registry.operator()
    created = await registry.authorise(operator, valid_until="2028-12-31")
    path = f"/authorisations/{created['id']}"

    assert (await registry.sweep(date(2027, 5, 31)))["registry.authorisation-clocks"] == {
        "expired": 0,
        "evaluations_opened": 0,
    }
    opened = await registry.sweep(date(2027, 6, 1))
    assert opened["registry.authorisation-clocks"]["evaluations_opened"] == 1
    again = await registry.sweep(date(2027, 6, 2))
    assert again["registry.authorisation-clocks"]["evaluations_opened"] == 0
    [event] = await outbox.events(EvaluationOpened.event_type)
    assert event.data["due_on"] == "2027-06-01"

    today(date(2027, 6, 10))
    verdict = {"result": "pass", "reason": "年度评估合格"}
    concluded = await registry.post(f"{path}/evaluations", registry.bureau, verdict)
    assert concluded["id"] == event.data["evaluation_id"]
    assert (concluded["status"], concluded["due_on"]) == ("passed", "2027-06-01")
    assert (await registry.get(path, headers))["next_evaluation_on"] == "2028-06-10"
    evaluations = await registry.client.get(f"/api/registry{path}/evaluations", headers=headers)
    assert [e["status"] for e in evaluations.json()["items"]] == ["passed"]


async def test_an_authorisation_past_its_term_is_expired_at_once_and_recorded_by_the_sweep(
    registry: Registry, outbox: Any, today: Any
) -> None:
    operator, headers = await registry.operator()
    created = await registry.authorise(operator, valid_until="2026-12-31")
    path = f"/authorisations/{created['id']}"

    today(date(2027, 1, 1))
    assert (await registry.get(path, headers))["status"] == "expired"
    swept = await registry.sweep(date(2027, 1, 1))
    assert swept["registry.authorisation-clocks"]["expired"] == 1
    assert (await registry.sweep(date(2027, 1, 2)))["registry.authorisation-clocks"]["expired"] == 0
    shown = await registry.get(path, headers)
    assert (shown["status"], shown["ended_on"]) == ("expired", "2027-01-01")
    [event] = await outbox.events(AuthorisationExpired.event_type)
    assert event.subject == created["id"]
