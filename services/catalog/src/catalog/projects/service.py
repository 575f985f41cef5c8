"""Digital projects and the question "may this project be accepted?" (Art. 8, 9).

A project may be accepted when every system it builds has catalogued resources, each published,
with its data aggregated on the platform and fresh against its update frequency.
"""

from typing import Any

from sqlalchemy import and_, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.access import ensure_owner_or_bureau, ensure_readable
from catalog.departments.service import require_department
from catalog.ids import new_id
from catalog.projects.models import Project, ProjectSystem
from catalog.projects.schemas import Acceptance, Missing, ProjectCreate, ProjectPublic
from catalog.quality.service import figures_of
from catalog.resources.models import Resource, ResourceVersion
from catalog.systems.models import System
from catalog.systems.service import find_system
from pdp_contracts.catalog import ProjectCreated
from pdp_kit.auth import Principal
from pdp_kit.db import insert_or_conflict, utcnow
from pdp_kit.errors import Conflict, FieldProblem, Invalid, NotFound
from pdp_kit.events.outbox import record_event


class ProjectExists(Conflict):
    code, title = "project-exists", "项目编码已存在"


async def create_project(
    session: AsyncSession, *, data: ProjectCreate, principal: Principal
) -> ProjectPublic:
    await require_department(session, data.department)
    ensure_owner_or_bureau(principal, data.department)
    systems: list[System] = []
    problems = []
    for index, code in enumerate(dict.fromkeys(data.systems)):
        system = await find_system(session, department=data.department, code=code)
        if system is None:
            problems.append(
                FieldProblem(f"systems.{index}", f"{code} is not in the system catalogue")
            )
        else:
            systems.append(system)
    if problems:
        raise Invalid(errors=problems)
    exists = ProjectExists(errors=[FieldProblem("code", f"{data.code} already exists")])
    taken = await session.scalar(
        select(col(Project.id)).where(
            col(Project.department) == data.department, col(Project.code) == data.code
        )
    )
    if taken is not None:
        raise exists
    project = Project(id=new_id(), department=data.department, code=data.code, name=data.name)
    await insert_or_conflict(session, project, exists)  # a concurrent registration: 409
    session.add_all(ProjectSystem(project_id=project.id, system_id=s.id) for s in systems)
    codes = [s.code for s in systems]
    await record_event(
        session,
        ProjectCreated(
            id=project.id,
            department=project.department,
            code=project.code,
            name=project.name,
            systems=codes,
        ),
        subject=project.id,
        actor=principal.client_id,
        department=project.department,
    )
    await session.flush()
    return ProjectPublic(
        id=project.id,
        department=project.department,
        code=project.code,
        name=project.name,
        systems=codes,
        created_at=project.created_at,
    )


async def _project(
    session: AsyncSession, project_id: str, principal: Principal
) -> tuple[Project, list[str]]:
    project = await session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目 {project_id} 不存在")
    ensure_readable(principal, project.department)
    codes = (
        await session.scalars(
            select(col(System.code))
            .join(ProjectSystem, col(ProjectSystem.system_id) == col(System.id))
            .where(col(ProjectSystem.project_id) == project.id)
            .order_by(col(System.code))
        )
    ).all()
    return project, list(codes)


async def get_project(
    session: AsyncSession, *, project_id: str, principal: Principal
) -> ProjectPublic:
    project, codes = await _project(session, project_id, principal)
    return ProjectPublic(
        id=project.id,
        department=project.department,
        code=project.code,
        name=project.name,
        systems=codes,
        created_at=project.created_at,
    )


async def acceptance(session: AsyncSession, *, project_id: str, principal: Principal) -> Acceptance:
    project, codes = await _project(session, project_id, principal)
    # A published resource counts under its published version's system: a draft of the next
    # version naming another system does not move what is on the platform (Art. 9).
    shown = case(
        (col(Resource.published_version).is_not(None), col(Resource.published_version)),
        else_=col(Resource.latest_version),
    )
    query: Any = (
        select(Resource, ResourceVersion)
        .join(
            ResourceVersion,
            and_(
                col(ResourceVersion.resource_id) == col(Resource.id),
                col(ResourceVersion.version) == shown,
            ),
        )
        .where(
            col(Resource.department) == project.department,
            col(ResourceVersion.system).in_(codes),
            col(Resource.withdrawn_at).is_(None),
        )
        .order_by(col(Resource.code))
    )
    catalogued = [(r, v) for r, v in (await session.execute(query)).all()]
    published = {r.id: v for r, v in catalogued if r.published_version is not None}
    figures = await figures_of(session, list(published.items()))
    now = utcnow()
    missing: list[Missing] = []
    for code in codes:
        mine = [(r, v) for r, v in catalogued if v.system == code]
        if not mine:
            missing.append(Missing(system=code, problem="no_resources"))
        for resource, version in mine:
            problem: Any = None
            if resource.id not in published:
                problem = "not_published"
            elif figures[resource.id].volume == 0:
                problem = "not_aggregated"
            elif not figures[resource.id].freshness(now).fresh:
                problem = "stale"
            if problem:
                missing.append(
                    Missing(
                        system=code,
                        resource_id=resource.id,
                        resource_name=version.name,
                        problem=problem,
                    )
                )
    return Acceptance(project_id=project.id, may_accept=not missing, missing=missing)
