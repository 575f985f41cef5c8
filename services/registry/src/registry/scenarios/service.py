"""Application scenarios (Art. 29–31): recorded and kept up to date by the bureau (and the data
centre, which runs the platform); read in full by them and the supervisors, as a summary by every
other caller."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.registry import ApplicationScenarioRecorded, ApplicationScenarioUpdated
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import FieldProblem, Invalid, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page
from registry.ids import new_id
from registry.operators.models import Operator
from registry.resources.service import resources_by_id
from registry.scenarios.models import ApplicationScenario
from registry.scenarios.schemas import (
    ApplicationScenarioCreate,
    ApplicationScenarioPublic,
    ApplicationScenarioSummary,
    ApplicationScenarioUpdate,
)

Shown = ApplicationScenarioPublic | ApplicationScenarioSummary
EDITORS = (Role.BUREAU, Role.DATACENTER)


def _shown(scenario: ApplicationScenario, principal: Principal) -> Shown:
    if principal.is_staff or principal.has(*SUPERVISORS):
        return ApplicationScenarioPublic.model_validate(scenario.model_dump())
    return ApplicationScenarioSummary.model_validate(scenario.model_dump())


async def _publish(
    session: AsyncSession, scenario: ApplicationScenario, principal: Principal, *, created: bool
) -> None:
    payload = ApplicationScenarioRecorded if created else ApplicationScenarioUpdated
    await record_event(
        session,
        payload(
            id=scenario.id,
            title=scenario.title,
            field=scenario.field,
            status=scenario.status,
            resources=scenario.resources,
            departments=scenario.departments,
            operators=scenario.operators,
        ),
        subject=scenario.id,
        actor=principal.client_id,
    )
    await session.flush()


async def _check_references(
    session: AsyncSession, data: ApplicationScenarioCreate | ApplicationScenarioUpdate
) -> None:
    """Resources the registry knows of from the catalog, operators it recorded (422 otherwise)."""
    problems: list[FieldProblem] = []
    if data.resources:
        known = await resources_by_id(session, data.resources)
        unknown = [rid for rid in data.resources if rid not in known]
        if unknown:
            problems.append(FieldProblem("resources", f"unknown resources: {', '.join(unknown)}"))
    if data.operators:
        found = set(
            await session.scalars(
                select(col(Operator.id)).where(col(Operator.id).in_(data.operators))
            )
        )
        unknown = [op for op in data.operators if op not in found]
        if unknown:
            problems.append(FieldProblem("operators", f"unknown operators: {', '.join(unknown)}"))
    if problems:
        raise Invalid(errors=problems)


async def record_scenario(
    session: AsyncSession, *, data: ApplicationScenarioCreate, principal: Principal
) -> ApplicationScenarioPublic:
    require_role(principal, *EDITORS)
    await _check_references(session, data)
    scenario = ApplicationScenario(id=new_id(), **data.model_dump(mode="json"))
    session.add(scenario)
    await _publish(session, scenario, principal, created=True)
    return ApplicationScenarioPublic.model_validate(scenario.model_dump())


async def update_scenario(
    session: AsyncSession,
    *,
    scenario_id: str,
    data: ApplicationScenarioUpdate,
    principal: Principal,
) -> ApplicationScenarioPublic:
    require_role(principal, *EDITORS)
    await _check_references(session, data)
    scenario = await get_for_update(session, ApplicationScenario, scenario_id)
    if scenario is None:
        raise NotFound(f"应用场景 {scenario_id} 不存在")
    for name, value in data.model_dump(mode="json", exclude_unset=True).items():
        if value is not None:
            setattr(scenario, name, value)
    scenario.updated_at = utcnow()
    await _publish(session, scenario, principal, created=False)
    return ApplicationScenarioPublic.model_validate(scenario.model_dump())


async def get_scenario(session: AsyncSession, *, scenario_id: str, principal: Principal) -> Shown:
    scenario = await session.get(ApplicationScenario, scenario_id)
    if scenario is None:
        raise NotFound(f"应用场景 {scenario_id} 不存在")
    return _shown(scenario, principal)


async def list_scenarios(
    session: AsyncSession, *, principal: Principal, page: PageParams, field: str | None
) -> Page[Shown]:
    query = select(ApplicationScenario)
    if field is not None:
        query = query.where(col(ApplicationScenario.field) == field)
    return await keyset_page(
        session,
        query,
        key=ApplicationScenario.id,  # type: ignore[arg-type]
        page=page,
        to_public=lambda row: _shown(row, principal),
        cursor_of=lambda row: row.id,
    )
