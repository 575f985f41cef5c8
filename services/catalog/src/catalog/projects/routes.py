from fastapi import APIRouter, status

from catalog.projects import service
from catalog.projects.schemas import Acceptance, ProjectCreate, ProjectPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep

router = APIRouter(prefix="/projects", tags=["projects"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectPublic)
async def create_project(
    data: ProjectCreate, session: SessionDep, principal: CurrentPrincipal
) -> ProjectPublic:
    """Register a digital project and the systems (from the department's system catalogue) it
    builds (the department or the bureau)."""
    return await service.create_project(session, data=data, principal=principal)


@router.get("/{project_id}", response_model=ProjectPublic)
async def get_project(
    project_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ProjectPublic:
    return await service.get_project(session, project_id=project_id, principal=principal)


@router.get("/{project_id}/acceptance", response_model=Acceptance)
async def acceptance(
    project_id: str, session: SessionDep, principal: CurrentPrincipal
) -> Acceptance:
    """May the project be accepted? Its systems' resources must be catalogued and published and
    their data aggregated and fresh (Art. 8, 9, 14); `missing` lists what is not."""
    return await service.acceptance(session, project_id=project_id, principal=principal)
