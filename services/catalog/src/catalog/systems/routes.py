from fastapi import APIRouter, status

from catalog.systems import service
from catalog.systems.schemas import SystemCreate, SystemPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/departments/{department}/systems", tags=["systems"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SystemPublic)
async def create_system(
    department: str, data: SystemCreate, session: SessionDep, principal: CurrentPrincipal
) -> SystemPublic:
    """Add an entry to the department's system catalogue (the department itself or the bureau).
    Publishes `catalog.system.created.v1`."""
    system = await service.create_system(
        session, department=department, data=data, principal=principal
    )
    return SystemPublic.model_validate(system)


@router.get("", response_model=Page[SystemPublic])
async def list_systems(
    department: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[SystemPublic]:
    """The department's system catalogue, by code."""
    return await service.list_systems(
        session, department=department, page=page, principal=principal
    )


@router.get("/{code}", response_model=SystemPublic)
async def get_system(
    department: str, code: str, session: SessionDep, principal: CurrentPrincipal
) -> SystemPublic:
    """One system by its code."""
    system = await service.get_system(
        session, department=department, code=code, principal=principal
    )
    return SystemPublic.model_validate(system)
