from fastapi import APIRouter, status

from catalog.departments import service
from catalog.departments.schemas import DepartmentCreate, DepartmentPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/departments", tags=["departments"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DepartmentPublic)
async def create_department(
    data: DepartmentCreate, session: SessionDep, principal: CurrentPrincipal
) -> DepartmentPublic:
    """Register a department (bureau only). Publishes `catalog.department.created.v1`."""
    department = await service.create_department(session, data=data, principal=principal)
    return DepartmentPublic.model_validate(department)


@router.get("", response_model=Page[DepartmentPublic])
async def list_departments(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[DepartmentPublic]:
    """All registered departments, by code."""
    return await service.list_departments(session, page=page, principal=principal)


@router.get("/{code}", response_model=DepartmentPublic)
async def get_department(
    code: str, session: SessionDep, principal: CurrentPrincipal
) -> DepartmentPublic:
    """One department by code."""
    department = await service.get_department(session, code=code, principal=principal)
    return DepartmentPublic.model_validate(department)
