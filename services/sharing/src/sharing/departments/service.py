"""The departments sharing knows of, kept from the catalog's events (ARCHITECTURE: read models)."""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from pdp_kit.auth import Principal
from pdp_kit.pagination import Page, PageParams, keyset_page
from sharing.departments.models import Department
from sharing.departments.schemas import DepartmentPublic


async def remember_department(session: AsyncSession, *, code: str, name: str) -> None:
    """Insert the department, or refresh its name; a redelivered event changes nothing."""
    await session.execute(_upsert(session.get_bind().dialect.name, code=code, name=name))


async def list_departments(
    session: AsyncSession, *, page: PageParams, principal: Principal
) -> Page[DepartmentPublic]:
    """Department names are public administrative facts: any authenticated caller may list them
    (a requester must be able to name the provider, Art. 17)."""
    return await keyset_page(
        session,
        select(Department),
        key=Department.code,  # type: ignore[arg-type]
        page=page,
        to_public=DepartmentPublic.model_validate,
        cursor_of=lambda department: department.code,
    )


def _upsert(dialect: str, *, code: str, name: str) -> Executable:
    if dialect == "postgresql":
        pg = postgresql.insert(Department).values(code=code, name=name)
        return pg.on_conflict_do_update(index_elements=["code"], set_={"name": pg.excluded.name})
    lite = sqlite.insert(Department).values(code=code, name=name)
    return lite.on_conflict_do_update(index_elements=["code"], set_={"name": lite.excluded.name})
