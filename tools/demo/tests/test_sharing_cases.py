"""The demo's share requests are ones sharing accepts, and the overdue sweep flags one of them."""

from __future__ import annotations

from pdp_demo.district import DEPARTMENTS
from pdp_demo.steps.sharing import CASES

RESOURCES = {r.code: (d.code, r) for d in DEPARTMENTS for r in d.resources}
DEPARTMENT_CODES = {d.code for d in DEPARTMENTS}


def test_every_state_once_each_request_names_real_fields_of_another_departments_resource() -> None:
    assert [case.state for case in CASES] == [
        "submitted",
        "materials_requested",
        "resubmitted",
        "extended",
        "approved",
        "rejected",
        "terminated",
        "overdue",
    ]
    assert len({case.scenario for case in CASES}) == len(CASES)
    for case in CASES:
        provider, resource = RESOURCES[case.resource]
        assert case.requester in DEPARTMENT_CODES and case.requester != provider
        assert set(case.fields) <= {field.name for field in resource.fields}
        assert len(set(case.fields)) == len(case.fields)
        assert resource.share_type != "not_shared"


def test_only_the_overdue_request_is_due_within_a_working_day_of_submission() -> None:
    """Art. 18: 1 working day for an unconditional resource, 10 for a conditional one; the sweep
    as of the day after the overdue one's date must leave the other running requests alone."""
    share_type = {case.state: RESOURCES[case.resource][1].share_type for case in CASES}
    assert share_type["overdue"] == "unconditional"
    for state in ("submitted", "materials_requested", "resubmitted", "extended"):
        assert share_type[state] == "conditional", state


def test_the_approved_grant_has_records_to_call() -> None:
    approved = next(case for case in CASES if case.state == "approved")
    assert RESOURCES[approved.resource][1].records > 0
