from fastapi import APIRouter

from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep
from registry.scenarios import service
from registry.scenarios.schemas import (
    ApplicationScenarioCreate,
    ApplicationScenarioPublic,
    ApplicationScenarioSummary,
    ApplicationScenarioUpdate,
)

router = APIRouter(prefix="/application-scenarios", tags=["application scenarios"])
Shown = ApplicationScenarioPublic | ApplicationScenarioSummary


@router.post("", response_model=ApplicationScenarioPublic, status_code=201)
async def record_scenario(
    data: ApplicationScenarioCreate, session: SessionDep, principal: CurrentPrincipal
) -> ApplicationScenarioPublic:
    """The bureau or the data centre records an application scenario (Art. 29–31)."""
    return await service.record_scenario(session, data=data, principal=principal)


@router.patch("/{scenario_id}", response_model=ApplicationScenarioPublic)
async def update_scenario(
    scenario_id: str,
    data: ApplicationScenarioUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ApplicationScenarioPublic:
    """The bureau or the data centre: status, resources, departments, operators."""
    return await service.update_scenario(
        session, scenario_id=scenario_id, data=data, principal=principal
    )


@router.get("", response_model=Page[Shown])
async def list_scenarios(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, field: str | None = None
) -> Page[Shown]:
    """In full for the bureau, the data centre and the supervisors; a summary (title, field,
    description, status) for every other caller."""
    return await service.list_scenarios(session, principal=principal, page=page, field=field)


@router.get("/{scenario_id}", response_model=Shown)
async def get_scenario(scenario_id: str, session: SessionDep, principal: CurrentPrincipal) -> Shown:
    """In full for the bureau, the data centre and the supervisors; a summary for others."""
    return await service.get_scenario(session, scenario_id=scenario_id, principal=principal)
