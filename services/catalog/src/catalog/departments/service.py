from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.departments.models import Department
from catalog.departments.schemas import DepartmentCreate, DepartmentPublic
from pdp_contracts.catalog import DepartmentCreated
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import insert_or_conflict
from pdp_kit.errors import Conflict, FieldProblem, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page


class DepartmentExists(Conflict):
    code, title = "department-exists", "部门编码已存在"


async def create_department(
    session: AsyncSession, *, data: DepartmentCreate, principal: Principal
) -> Department:
    """Only the bureau registers departments (Art. 5)."""
    require_role(principal, Role.BUREAU)
    exists = DepartmentExists(errors=[FieldProblem("code", f"{data.code} already exists")])
    if await session.get(Department, data.code) is not None:
        raise exists
    department = Department(code=data.code, name=data.name)
    await insert_or_conflict(session, department, exists)  # a concurrent registration: 409
    await record_event(
        session,
        DepartmentCreated(code=department.code, name=department.name),
        subject=department.code,
        actor=principal.client_id,
        department=department.code,
    )
    await session.flush()
    return department


async def get_department(session: AsyncSession, *, code: str, principal: Principal) -> Department:
    """Which departments exist is public to every authenticated caller (a requester must be able
    to name the provider, Art. 17); their catalogues are not."""
    department = await session.get(Department, code)
    if department is None:
        raise NotFound(f"部门 {code} 不存在")
    return department


async def list_departments(
    session: AsyncSession, *, page: PageParams, principal: Principal
) -> Page[DepartmentPublic]:
    """Department names are public administrative facts: any authenticated caller may list them."""
    return await keyset_page(
        session,
        select(Department),
        key=Department.code,  # type: ignore[arg-type]
        page=page,
        to_public=DepartmentPublic.model_validate,
        cursor_of=lambda d: d.code,
    )


async def require_department(session: AsyncSession, code: str) -> Department:
    department = await session.get(Department, code)
    if department is None:
        raise NotFound(f"部门 {code} 不存在")
    return department
