"""Application scenarios (Art. 29–31): recorded by the bureau or the data centre, read in full by
them and the supervisors, as a public summary by everyone else."""

from typing import Any

from pdp_contracts.registry import ApplicationScenarioRecorded, ApplicationScenarioUpdated

Registry = Any
PATH = "/application-scenarios"


def scenario(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "企业开办一网通办",
        "field": "政务服务",
        "description": "以企业登记数据支撑开办审批",
        "resources": ["R1"],
        "departments": ["D001"],
        "operators": [],
    }
    body.update(overrides)
    return body


async def test_the_bureau_records_and_updates_a_scenario_in_full(
    registry: Registry, outbox: Any
) -> None:
    operator, _ = await registry.operator()
    created = await registry.post(PATH, registry.bureau, scenario(operators=[operator]), status=201)
    assert (created["status"], created["operators"]) == ("planned", [operator])

    updated = await registry.call(
        "PATCH", f"{PATH}/{created['id']}", registry.bureau, {"status": "running"}
    )
    assert (updated["status"], updated["title"]) == ("running", "企业开办一网通办")
    assert [e.subject for e in await outbox.events(ApplicationScenarioRecorded.event_type)] == [
        created["id"]
    ]
    [event] = await outbox.events(ApplicationScenarioUpdated.event_type)
    assert event.data["status"] == "running"


async def test_others_read_a_summary_without_resources_departments_or_operators(
    registry: Registry, as_public: dict[str, str], as_assessor: dict[str, str]
) -> None:
    created = await registry.post(PATH, registry.bureau, scenario(), status=201)

    summary = await registry.get(f"{PATH}/{created['id']}", as_public)
    assert summary["title"] == "企业开办一网通办"
    assert not {"resources", "departments", "operators"} & set(summary)
    listed = await registry.get(PATH, as_public)
    assert "operators" not in listed["items"][0]
    full = await registry.get(f"{PATH}/{created['id']}", as_assessor)
    assert full["departments"] == ["D001"]


async def test_a_department_and_an_operator_do_not_record_scenarios(
    registry: Registry, as_department: dict[str, str], as_operator: dict[str, str]
) -> None:
    await registry.post(PATH, as_department, scenario(), status=403)
    await registry.post(PATH, as_operator, scenario(), status=403)
    await registry.post(PATH, registry.bureau, scenario(field="娱乐"), status=422)
    unknown = scenario(resources=["R404"], operators=["nobody"])
    problem = await registry.post(PATH, registry.bureau, unknown, status=422)
    assert {e["field"] for e in problem["errors"]} == {"resources", "operators"}
    await registry.get(f"{PATH}/nothing", as_department, status=404)
