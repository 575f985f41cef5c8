"""How one record of each demo resource with data looks (field names as in ``district.py``)."""

from __future__ import annotations

from typing import Any

from pdp_demo.people import District

SCHOOL_PLACES = ("天山", "仙霞", "华阳", "新华", "虹桥", "北新泾")


def _named(d: District, kinds: tuple[str, ...]) -> str:
    """长宁区<street><kind>: an institution named after its street."""
    return f"长宁区{d.street().removesuffix('街道')}{d.choice(kinds)}"


def subsistence_allowance(d: District) -> dict[str, Any]:
    resident_id = d.resident_id(min_age=20)
    return {
        "resident_id": resident_id,
        "name": d.name(),
        "street": d.street(),
        "household_size": d.integer(1, 5),
        "monthly_amount": d.amount(1000, 4500),
        "start_on": d.date(8 * 365),
    }


def elderly_care_institution(d: District) -> dict[str, Any]:
    return {
        "credit_code": d.credit_code("52"),
        "name": _named(d, ("敬老院", "养老院", "长者照护之家")),
        "address": d.address(),
        "beds": d.integer(20, 300),
        "phone": d.phone(),
    }


def market_entity(d: District) -> dict[str, Any]:
    return {
        "credit_code": d.credit_code("91"),
        "name": d.company(),
        "legal_representative": d.name(),
        "registered_on": d.date(20 * 365),
        "registered_capital": d.amount(10, 50000),
        "address": d.address(),
        "phone": d.phone(),
    }


def employment_registration(d: District) -> dict[str, Any]:
    return {
        "resident_id": d.resident_id(min_age=18, max_age=60),
        "name": d.name(),
        "employer_credit_code": d.credit_code("91"),
        "registered_on": d.date(3 * 365),
        "phone": d.phone(),
    }


def medical_institution(d: District) -> dict[str, Any]:
    return {
        "credit_code": d.credit_code("12"),
        "name": _named(d, ("社区卫生服务中心", "门诊部", "诊所")),
        "kind": d.choice(("社区卫生服务中心", "门诊部", "诊所", "专科医院")),
        "address": d.address(),
        "beds": d.integer(0, 200),
        "phone": d.phone(),
    }


def resident_population(d: District) -> dict[str, Any]:
    resident_id = d.resident_id(min_age=0)
    return {
        "resident_id": resident_id,
        "name": d.name(),
        "birth_date": d.birth_date(resident_id),
        "street": d.street(),
        "address": d.address(),
        "phone": d.phone(),
    }


def school(d: District) -> dict[str, Any]:
    stage = d.choice(("小学", "初级中学", "高级中学", "九年一贯制学校"))
    return {
        "credit_code": d.credit_code("12"),
        "name": f"上海市长宁区{d.choice(SCHOOL_PLACES)}{stage}",
        "stage": stage,
        "address": d.address(),
        "students": d.integer(200, 2500),
        "phone": d.phone(),
    }


def discharge_permit(d: District) -> dict[str, Any]:
    return {
        "credit_code": d.credit_code("91"),
        "name": d.company(),
        "permit_no": f"91310105{d.integer(10000000, 99999999)}001P",
        "valid_until": d.date(-30, 5 * 365),
        "address": d.address(),
    }
