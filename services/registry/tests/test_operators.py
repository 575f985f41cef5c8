"""Operators (Art. 27): recorded by the bureau with a checked unified social credit code; each
sees itself only; disqualification revokes what they hold."""

from datetime import date
from typing import Any

from pdp_contracts.registry import AuthorisationRevoked, OperatorDisqualified, OperatorRegistered

Registry = Any


async def test_the_bureau_records_an_operator_with_its_contacts_and_qualifications(
    registry: Registry, outbox: Any
) -> None:
    body = {
        "name": "长宁数据运营有限公司",
        "credit_code": registry.credit_code(7),
        "contacts": [{"name": "王敏", "phone": "021-62000000"}],
        "qualifications": [{"title": "数据安全管理体系认证", "number": "DSMS-2026-001"}],
    }
    created = await registry.post("/operators", registry.bureau, body, status=201)

    assert created["status"] == "active"
    assert created["contacts"][0]["name"] == "王敏"
    assert created["qualifications"][0]["title"] == "数据安全管理体系认证"
    [event] = await outbox.events(OperatorRegistered.event_type)
    assert event.data["credit_code"] == body["credit_code"]


async def test_an_invalid_credit_code_is_refused_naming_the_field(registry: Registry) -> None:
    body = {"name": "某公司", "credit_code": "91310105MA1FL00010"}  # wrong check digit
    problem = await registry.post("/operators", registry.bureau, body, status=422)

    assert [e["field"] for e in problem["errors"]] == ["credit_code"]


async def test_a_credit_code_is_recorded_once(registry: Registry) -> None:
    operator, _ = await registry.operator()
    first = await registry.get(f"/operators/{operator}", registry.bureau)
    body = {"name": "另一家公司", "credit_code": first["credit_code"]}

    problem = await registry.post("/operators", registry.bureau, body, status=409)
    assert problem["type"].endswith("operator-exists")


async def test_a_department_acting_as_bureau_cannot_record_an_operator(
    registry: Registry, as_department: dict[str, str], as_datacenter: dict[str, str]
) -> None:
    body = {"name": "某公司", "credit_code": registry.credit_code(99)}
    await registry.post("/operators", as_department, body, status=403)
    await registry.post("/operators", as_datacenter, body, status=403)


async def test_an_operator_sees_itself_and_not_another(
    registry: Registry, as_public: dict[str, str]
) -> None:
    mine, me = await registry.operator()
    theirs, _ = await registry.operator("另一家运营公司")

    assert (await registry.get(f"/operators/{mine}", me))["id"] == mine
    await registry.get(f"/operators/{theirs}", me, status=404)
    await registry.get(f"/operators/{mine}", as_public, status=404)
    listed = await registry.get("/operators", me)
    assert [o["id"] for o in listed["items"]] == [mine]
    await registry.get("/operators", as_public, status=403)
    everyone = await registry.get("/operators", registry.bureau)
    assert {o["id"] for o in everyone["items"]} == {mine, theirs}


async def test_disqualification_expires_rather_than_revokes_an_authorisation_past_its_term(
    registry: Registry, today: Any
) -> None:
    operator, headers = await registry.operator()
    ended = await registry.authorise(operator, valid_until="2026-06-30")
    today(date(2026, 7, 1))
    reason = {"reason": "不再符合运营条件"}
    await registry.post(f"/operators/{operator}/disqualify", registry.bureau, reason)
    shown = await registry.get(f"/authorisations/{ended['id']}", headers)
    assert (shown["status"], shown["end_cause"]) == ("expired", "expired")


async def test_a_disqualified_operator_loses_every_authorisation_at_once(
    registry: Registry, outbox: Any
) -> None:
    operator, headers = await registry.operator()
    first = await registry.authorise(operator)
    second = await registry.authorise(operator, resources=["R3"])

    reason = {"reason": "营业执照被吊销，不再符合运营条件"}
    done = await registry.post(f"/operators/{operator}/disqualify", registry.bureau, reason)
    assert done["status"] == "disqualified"

    for authorisation in (first, second):
        shown = await registry.get(f"/authorisations/{authorisation['id']}", headers)
        assert (shown["status"], shown["end_cause"]) == ("revoked", "lost_eligibility")
    revoked = await outbox.events(AuthorisationRevoked.event_type)
    assert {e.subject for e in revoked} == {first["id"], second["id"]}
    [event] = await outbox.events(OperatorDisqualified.event_type)
    assert set(event.data["authorisations"]) == {first["id"], second["id"]}
    await registry.post(f"/operators/{operator}/disqualify", registry.bureau, reason, status=409)
    refused = {
        "operator": operator,
        "resources": ["R1"],
        "scenarios": ["普惠金融"],
        "valid_from": "2026-06-01",
        "valid_until": "2026-12-31",
    }
    problem = await registry.post("/authorisations", registry.bureau, refused, status=422)
    assert [e["field"] for e in problem["errors"]] == ["operator"]
