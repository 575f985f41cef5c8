"""Unit checks of the demo's authorised-operation data: the registry would refuse it otherwise."""

from stdnum.cn import uscc

from pdp_demo.district import DEPARTMENTS
from pdp_demo.steps.registry import FAILED, OPERATOR, PLANNED, RESOURCE, SCENARIO, USED


def test_the_demo_operators_credit_code_passes_the_registrys_checksum() -> None:
    assert uscc.is_valid(OPERATOR["credit_code"])


def test_the_authorised_resource_has_records_and_fields_an_operator_may_receive() -> None:
    [resource] = [r for d in DEPARTMENTS for r in d.resources if r.code == RESOURCE]
    assert resource.records > 0
    assert any(not field.sensitive for field in resource.fields)


def test_the_scenarios_are_distinct_and_the_application_scenario_has_a_known_field() -> None:
    assert len({USED, PLANNED, FAILED}) == 3
    assert SCENARIO["field"] in ("政务服务", "城市治理", "民生服务", "政府管理", "产业发展", "其他")
