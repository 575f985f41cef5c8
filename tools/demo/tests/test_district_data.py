"""The demo's data is what the catalog accepts, and the same on every run (so a rerun updates)."""

from __future__ import annotations

import phonenumbers
from stdnum.cn import ric, uscc

from pdp_demo.district import DEPARTMENTS
from pdp_demo.people import CHANGNING, District, records

WITH_RECORDS = [r for d in DEPARTMENTS for r in d.resources if r.make is not None]


def test_a_dozen_departments_each_with_duties_systems_and_resources() -> None:
    assert len(DEPARTMENTS) >= 12
    assert len({d.code for d in DEPARTMENTS}) == len(DEPARTMENTS)
    for department in DEPARTMENTS:
        assert department.name.startswith("区")
        duties = {code for code, _, _ in department.duties}
        systems = {code for code, _ in department.systems}
        assert department.resources
        for resource in department.resources:
            assert resource.duty in duties
            assert resource.system in systems
            assert sum(field.key for field in resource.fields) == 1


def test_synthetic_identifiers_pass_the_libraries_the_catalog_checks_with() -> None:
    district = District("identifiers")
    for _ in range(200):
        resident_id = district.resident_id(min_age=0)
        assert ric.is_valid(resident_id), resident_id
        assert resident_id.startswith(CHANGNING)
        assert uscc.is_valid(district.credit_code()), "credit code"
        assert phonenumbers.is_valid_number(phonenumbers.parse(district.phone(), "CN"))


def test_every_record_fits_its_resource_and_formatted_values_are_valid() -> None:
    checks = {
        "resident_id": ric.is_valid,
        "uscc": uscc.is_valid,
        "phone": lambda n: phonenumbers.is_valid_number(phonenumbers.parse(n, "CN")),
    }
    for resource in WITH_RECORDS:
        assert resource.make is not None
        batch = records(resource.code, resource.records, resource.make, resource.key)
        assert len(batch) == resource.records
        assert len({r[resource.key] for r in batch}) == resource.records
        fields = {field.name: field for field in resource.fields}
        for record in batch:
            assert set(record) == set(fields), resource.code
            for name, value in record.items():
                check = checks.get(fields[name].format or "")
                assert check is None or check(value), (resource.code, name, value)


def test_the_records_are_the_same_on_every_run() -> None:
    for resource in WITH_RECORDS:
        assert resource.make is not None
        first = records(resource.code, resource.records, resource.make, resource.key)
        again = records(resource.code, resource.records, resource.make, resource.key)
        assert first == again
