from fastapi import APIRouter, status

from catalog.chain.schemas import RetireBody
from catalog.systems import service
from catalog.systems.schemas import SystemCreate, SystemPublic, SystemUpdate
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


@router.put("/{code}", response_model=SystemPublic)
async def update_system(
    department: str,
    code: str,
    data: SystemUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SystemPublic:
    """Correct an active entry (the department itself or the bureau); `version` counts the change
    and the entry is pushed to the catalogue chain again. Publishes `catalog.system.updated.v1`."""
    entry = await service.update_system(
        session, department=department, code=code, data=data, principal=principal
    )
    return SystemPublic.model_validate(entry)


@router.post("/{code}/retire", response_model=SystemPublic)
async def retire_system(
    department: str,
    code: str,
    data: RetireBody,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> SystemPublic:
    """Retire the entry with the reason (the department itself or the bureau): it stays readable,
    no resource may name it any more; 409 while a current resource still does. Publishes
    `catalog.system.retired.v1`."""
    entry = await service.retire_system(
        session, department=department, code=code, reason=data.reason, principal=principal
    )
    return SystemPublic.model_validate(entry)
