"""Registrations (Art. 28): the first registration is due 20 working days after the delivery, on
the official calendar; a department registers its own resources, an operator the products and
services it made under its authorisation, from the authorisation's resources only."""

from datetime import date
from typing import Any

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_contracts.registry import (
    RegistrationCompleted,
    RegistrationDeadlineRecomputed,
    RegistrationFiled,
    RegistrationMarked,
    RegistrationOverdue,
)
from pdp_kit.events.envelope import Event

Registry = Any


async def operator_with_authorisation(registry: Registry) -> tuple[str, dict[str, str]]:
    operator, headers = await registry.operator()
    authorisation = await registry.authorise(operator)
    return str(authorisation["id"]), headers


def product(authorisation: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "product",
        "subject": "企业信用评分产品",
        "delivered_on": "2026-06-01",
        "authorisation": authorisation,
    }
    body.update(overrides)
    return body


async def delivered_on(registry: Registry, day: date) -> tuple[dict[str, Any], dict[str, str]]:
    """An operator's product delivered on ``day`` and registered the same day."""
    authorisation, headers = await operator_with_authorisation(registry)
    body = product(authorisation, delivered_on=day.isoformat())
    return await registry.post("/registrations", headers, body, status=201), headers


async def test_the_twenty_working_days_skip_mid_autumn_and_national_day(
    registry: Registry, today: Any, outbox: Any
) -> None:
    # 2026: 25 Sep is the Mid-Autumn Festival, 1-7 Oct National Day, Saturday 10 Oct a working
    # day. On weekends alone the 20th working day after 25 Sep would be 23 Oct.
    today(date(2026, 9, 25))
    filed, _ = await delivered_on(registry, date(2026, 9, 25))

    assert (filed["due_on"], filed["provisional"], filed["late"]) == ("2026-10-29", False, False)
    assert filed["resources"] == ["R1", "R2"]  # default: all of the authorisation
    [event] = await outbox.events(RegistrationFiled.event_type)
    assert event.data["due_on"] == "2026-10-29"
    today(date(2026, 10, 30))  # filed the day after the 20th working day
    late, _ = await delivered_on(registry, date(2026, 9, 25))
    assert (late["due_on"], late["late"]) == ("2026-10-29", True)


async def test_a_product_made_from_resources_outside_the_authorisation_is_422(
    registry: Registry,
) -> None:
    authorisation, headers = await operator_with_authorisation(registry)
    body = product(authorisation, resources=["R1", "R3"])
    problem = await registry.post("/registrations", headers, body, status=422)

    assert problem["errors"][0]["field"] == "resources" and "R3" in problem["errors"][0]["message"]
    inside = await registry.post(
        "/registrations", headers, product(authorisation, resources=["R2"]), status=201
    )
    assert inside["resources"] == ["R2"]


async def test_a_delivery_date_in_the_future_is_422(registry: Registry) -> None:
    authorisation, headers = await operator_with_authorisation(registry)
    body = product(authorisation, delivered_on="2026-06-02")
    problem = await registry.post("/registrations", headers, body, status=422)
    assert problem["errors"][0]["field"] == "delivered_on"


async def test_an_operator_cannot_register_under_another_operators_authorisation(
    registry: Registry,
) -> None:
    theirs, _ = await operator_with_authorisation(registry)
    _, mine = await registry.operator("另一家运营公司")
    await registry.post("/registrations", mine, product(theirs), status=404)
    missing = product(theirs)
    del missing["authorisation"]
    await registry.post("/registrations", mine, missing, status=422)


async def test_a_registration_is_seen_by_its_registrant_and_staff_only(
    registry: Registry,
    as_public: dict[str, str],
    as_department: dict[str, str],
    as_datacenter: dict[str, str],
) -> None:
    authorisation, headers = await operator_with_authorisation(registry)
    _, other = await registry.operator("另一家运营公司")
    filed = await registry.post("/registrations", headers, product(authorisation), status=201)
    path = f"/registrations/{filed['id']}"

    assert (await registry.get(path, headers))["id"] == filed["id"]
    assert (await registry.get(path, as_datacenter))["id"] == filed["id"]
    for stranger in (other, as_department):
        await registry.get(path, stranger, status=404)
        assert (await registry.get("/registrations", stranger))["items"] == []
    await registry.get(path, as_public, status=404)
    await registry.get("/registrations", as_public, status=403)


async def test_a_department_registers_its_own_published_resources_only(
    registry: Registry, auth: Any, as_department: dict[str, str]
) -> None:
    body = {
        "kind": "resource",
        "subject": "提供给运营平台的企业登记信息",
        "delivered_on": "2026-06-01",
        "resources": ["R1"],
    }
    filed = await registry.post("/registrations", as_department, body, status=201)
    assert (filed["department"], filed["operator"]) == ("D001", None)

    other = auth.department("D002")
    problem = await registry.post("/registrations", other, body, status=422)
    assert problem["errors"][0]["field"] == "resources"
    await registry.post("/registrations", as_department, {**body, "kind": "product"}, status=422)
    await registry.post("/registrations", other, {**body, "department": "D001"}, status=403)


async def test_the_data_centre_registers_with_the_department_it_names(
    registry: Registry, as_datacenter: dict[str, str], as_department: dict[str, str]
) -> None:
    body = {
        "kind": "resource",
        "subject": "提供给运营平台的企业登记信息",
        "delivered_on": "2026-06-01",
        "resources": ["R1"],
    }
    problem = await registry.post("/registrations", as_datacenter, body, status=422)
    assert problem["errors"][0]["field"] == "department"
    filed = await registry.post(
        "/registrations", as_datacenter, {**body, "department": "D001"}, status=201
    )
    assert filed["department"] == "D001"
    assert (await registry.get(f"/registrations/{filed['id']}", as_department))["id"] == filed["id"]


async def test_the_bureau_and_a_public_client_do_not_register(
    registry: Registry, as_public: dict[str, str]
) -> None:
    authorisation, _ = await operator_with_authorisation(registry)
    await registry.post("/registrations", registry.bureau, product(authorisation), status=403)
    await registry.post("/registrations", as_public, product(authorisation), status=403)


async def test_the_sweep_flags_an_uncompleted_registration_overdue_once(
    registry: Registry, as_datacenter: dict[str, str], as_department: dict[str, str], outbox: Any
) -> None:
    authorisation, headers = await operator_with_authorisation(registry)
    late = await registry.post("/registrations", headers, product(authorisation), status=201)
    done = await registry.post("/registrations", headers, product(authorisation), status=201)
    assert late["due_on"] == "2026-06-30"  # 19 June is the Dragon Boat Festival
    await registry.post(f"/registrations/{done['id']}/complete", as_department, status=403)
    completed = await registry.post(f"/registrations/{done['id']}/complete", as_datacenter)
    assert completed["status"] == "completed"
    await registry.post(f"/registrations/{done['id']}/complete", as_datacenter, status=409)

    assert (await registry.sweep(date(2026, 6, 30)))["registry.registration-clocks"] == {
        "overdue": 0
    }
    assert (await registry.sweep(date(2026, 7, 1)))["registry.registration-clocks"] == {
        "overdue": 1
    }
    assert (await registry.sweep(date(2026, 7, 2)))["registry.registration-clocks"] == {
        "overdue": 0
    }
    [event] = await outbox.events(RegistrationOverdue.event_type)
    assert event.subject == late["id"]
    [completion] = await outbox.events(RegistrationCompleted.event_type)
    assert completion.data["on_time"] is True


async def test_a_provisional_due_date_follows_the_loaded_year_and_the_overdue_flag_is_lifted(
    registry: Registry, today: Any, outbox: Any
) -> None:
    today(date(2026, 12, 18))
    filed, headers = await delivered_on(registry, date(2026, 12, 18))
    # 2027 is not known yet: weekends only, provisional.
    assert (filed["due_on"], filed["provisional"]) == ("2027-01-15", True)
    await registry.sweep(date(2027, 1, 18))
    assert (await registry.get(f"/registrations/{filed['id']}", headers))["overdue_flagged_on"]

    loaded = CalendarYearLoaded(year=2027, holidays=[date(2027, 1, 1)], workdays=[])
    await registry.deliver(Event.of(loaded, subject="2027"))

    moved = await registry.get(f"/registrations/{filed['id']}", headers)
    assert (moved["due_on"], moved["provisional"]) == ("2027-01-18", False)
    assert moved["overdue_flagged_on"] is None
    [event] = await outbox.events(RegistrationDeadlineRecomputed.event_type)
    assert (event.data["due_on"], event.data["overdue_cleared"]) == ("2027-01-18", True)


async def test_a_revoked_authorisation_marks_its_products_and_takes_no_new_ones(
    registry: Registry, outbox: Any
) -> None:
    authorisation, headers = await operator_with_authorisation(registry)
    made = await registry.post("/registrations", headers, product(authorisation), status=201)
    revocation = {"cause": "serious_breach", "reason": "将数据提供给第三方"}
    await registry.post(f"/authorisations/{authorisation}/revoke", registry.bureau, revocation)

    marked = await registry.get(f"/registrations/{made['id']}", headers)
    assert (marked["marked"], marked["marked_on"]) == ("serious_breach", "2026-06-01")
    [event] = await outbox.events(RegistrationMarked.event_type)
    assert event.data["authorisation"] == authorisation
    problem = await registry.post("/registrations", headers, product(authorisation), status=409)
    assert problem["type"].endswith("authorisation-state")
