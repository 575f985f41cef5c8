from fastapi import APIRouter

from opening.departments import service
from opening.departments.schemas import DepartmentPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/departments", tags=["departments"])


@router.get("", response_model=Page[DepartmentPublic])
async def list_departments(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[DepartmentPublic]:
    """The departments opening knows of (from the catalog's events), by code: the owners of
    open-list entries, who decide on applications for them. Any authenticated caller."""
    return await service.list_departments(session, page=page, principal=principal)
