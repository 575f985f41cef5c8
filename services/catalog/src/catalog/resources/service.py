"""The data-resource catalogue (数据目录): entries, their versions and who sees what.
Art. 9, 12, 16.

A department sees all its own versions; every authenticated caller sees published entries;
another department's drafts are 404. The staff and supervisors read every version.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.access import ensure_owner
from catalog.chain.schemas import chain_state
from catalog.departments.service import require_department
from catalog.duties.service import find_duty
from catalog.ids import new_id
from catalog.resources.duplicates import find_duplicates
from catalog.resources.errors import ResourceExists, WrongResourceState
from catalog.resources.models import Resource, ResourceVersion
from catalog.resources.schemas import ResourceContent, ResourceCreate, ResourcePublic
from catalog.systems.service import find_system
from pdp_contracts.catalog import (
    Grade,
    OpenType,
    ResourceDrafted,
    ResourceDraftUpdated,
    ShareType,
)
from pdp_kit.auth import Principal, require_department_or
from pdp_kit.db import get_for_update, insert_or_conflict
from pdp_kit.errors import FieldProblem, Invalid, NotFound
from pdp_kit.events.outbox import record_event

VISIBLE_TO_ALL = ("published", "superseded", "withdrawn")


async def content_problems(
    session: AsyncSession, *, department: str, content: ResourceContent
) -> list[FieldProblem]:
    """Every rule pydantic cannot check alone, all reported at once."""
    problems: list[FieldProblem] = []
    if content.share_type is ShareType.NOT_SHARED and not (content.share_basis or "").strip():
        # Art. 16: only a law, regulation or State Council decision puts data in not_shared.
        problems.append(
            FieldProblem("share_basis", "a not_shared resource must cite the legal basis (Art. 16)")
        )
    if content.share_type is ShareType.NOT_SHARED and content.open_type is not OpenType.NOT_OPEN:
        # Art. 16, 21: a law that forbids giving data to other departments forbids the public too.
        problems.append(FieldProblem("open_type", "a not_shared resource must be not_open"))
    if content.grade is Grade.GENERAL and content.level is None:
        problems.append(FieldProblem("level", "general data needs its level 1–4 (Art. 6(3))"))
    if content.grade is not Grade.GENERAL and content.level is not None:
        problems.append(FieldProblem("level", "only general data has a level (Art. 6(3))"))
    if content.important != (content.grade in (Grade.CORE, Grade.IMPORTANT)):
        # Art. 6(3): the important-data list is derived from the grade, so they must agree.
        problems.append(
            FieldProblem("important", "must be true exactly for core and important data")
        )
    duty = await find_duty(session, department=department, code=content.duty)
    if duty is None or duty.status != "active":
        problems.append(FieldProblem("duty", f"{content.duty} is not in the duty catalogue"))
    system = await find_system(session, department=department, code=content.system)
    if system is None or system.status != "active":
        problems.append(FieldProblem("system", f"{content.system} is not in the system catalogue"))
    seen: set[str] = set()
    for index, field in enumerate(content.fields):
        if field.name in seen:
            problems.append(FieldProblem(f"fields.{index}.name", f"{field.name} appears twice"))
        seen.add(field.name)
        if field.format is not None and field.type != "string":
            problems.append(FieldProblem(f"fields.{index}.format", "a format applies to strings"))
    return problems


def _version_from(resource: Resource, number: int, content: ResourceContent) -> ResourceVersion:
    data = content.model_dump(mode="json")
    data["fields"] = [f.model_dump(mode="json") for f in content.fields]
    for field in data["fields"]:
        field["required"] = field["required"] or field["key"]
    return ResourceVersion(resource_id=resource.id, version=number, status="draft", **data)


async def create_resource(
    session: AsyncSession, *, data: ResourceCreate, principal: Principal
) -> tuple[Resource, ResourceVersion]:
    """A department catalogues its own resource as a draft; duplicates are flagged (Art. 9, 12)."""
    require_department_or(principal, data.department)
    await require_department(session, data.department)
    problems = await content_problems(session, department=data.department, content=data)
    if problems:
        raise Invalid("资源目录要素有误", errors=problems)
    exists = ResourceExists(errors=[FieldProblem("code", f"{data.code} already exists")])
    taken = await session.scalar(
        select(col(Resource.id)).where(
            col(Resource.department) == data.department, col(Resource.code) == data.code
        )
    )
    if taken is not None:
        raise exists
    resource = Resource(id=new_id(), department=data.department, code=data.code, status="draft")
    version = _version_from(resource, 1, ResourceContent.model_validate(data.model_dump()))
    version.duplicates = await find_duplicates(
        session, department=data.department, fields=version.fields
    )
    await insert_or_conflict(session, resource, exists)  # a concurrent registration: 409
    session.add(version)
    await _drafted(session, resource, version, principal)
    return resource, version


async def revise_resource(
    session: AsyncSession, *, resource_id: str, data: ResourceContent, principal: Principal
) -> tuple[Resource, ResourceVersion]:
    """The next version, drafted over a published or rejected one (Art. 10: dynamic update)."""
    resource = await _owned(session, resource_id, principal, lock=True)
    if resource.status not in ("published", "rejected"):
        raise WrongResourceState(
            errors=[
                FieldProblem("status", f"version {resource.latest_version} is {resource.status}")
            ]
        )
    problems = await content_problems(session, department=resource.department, content=data)
    if problems:
        raise Invalid("资源目录要素有误", errors=problems)
    resource.latest_version += 1
    resource.status = "draft"
    version = _version_from(resource, resource.latest_version, data)
    version.duplicates = await find_duplicates(
        session, department=resource.department, fields=version.fields
    )
    session.add(version)
    await _drafted(session, resource, version, principal)
    return resource, version


async def update_draft(
    session: AsyncSession, *, resource_id: str, data: ResourceContent, principal: Principal
) -> tuple[Resource, ResourceVersion]:
    """A draft may be corrected until it is submitted."""
    resource = await _owned(session, resource_id, principal, lock=True)
    version = await latest(session, resource)
    if version.status != "draft":
        raise WrongResourceState(errors=[FieldProblem("status", f"version is {version.status}")])
    problems = await content_problems(session, department=resource.department, content=data)
    if problems:
        raise Invalid("资源目录要素有误", errors=problems)
    replacement = _version_from(resource, version.version, data)
    for name in ResourceContent.model_fields:
        setattr(version, name, getattr(replacement, name))
    version.duplicates = await find_duplicates(
        session, department=resource.department, fields=version.fields
    )
    await record_event(
        session,
        ResourceDraftUpdated(
            id=resource.id,
            version=version.version,
            department=resource.department,
            name=version.name,
            duplicates=[d["id"] for d in version.duplicates],
        ),
        subject=resource.id,
        actor=principal.client_id,
        department=resource.department,
    )
    await session.flush()
    return resource, version


async def _drafted(
    session: AsyncSession, resource: Resource, version: ResourceVersion, principal: Principal
) -> None:
    await record_event(
        session,
        ResourceDrafted(
            id=resource.id,
            version=version.version,
            department=resource.department,
            code=resource.code,
            name=version.name,
            duplicates=[d["id"] for d in version.duplicates],
        ),
        subject=resource.id,
        actor=principal.client_id,
        department=resource.department,
    )
    await session.flush()


async def _owned(
    session: AsyncSession, resource_id: str, principal: Principal, *, lock: bool = False
) -> Resource:
    resource = await find_resource(session, resource_id, principal, lock=lock)
    ensure_owner(principal, resource.department)
    return resource


async def find_resource(
    session: AsyncSession, resource_id: str, principal: Principal, *, lock: bool = False
) -> Resource:
    """404 unless the caller may know the resource: its department, the staff and supervisors,
    or anyone once a version is published. ``lock`` for a state change (row lock until commit)."""
    resource = (
        await get_for_update(session, Resource, resource_id)
        if lock
        else await session.get(Resource, resource_id)
    )
    if resource is None or not (
        resource.published_version is not None or principal.may_read_department(resource.department)
    ):
        raise NotFound(f"资源 {resource_id} 不存在")
    return resource


async def latest(session: AsyncSession, resource: Resource) -> ResourceVersion:
    version = await session.get(ResourceVersion, (resource.id, resource.latest_version))
    assert version is not None
    return version


def shown_version(resource: Resource, principal: Principal) -> int:
    if principal.may_read_department(resource.department):
        return resource.latest_version
    assert resource.published_version is not None  # find_resource hid it otherwise
    return resource.published_version


def to_public(
    resource: Resource, version: ResourceVersion, *, score: int | None = None
) -> ResourcePublic:
    data: dict[str, Any] = {name: getattr(version, name) for name in ResourceContent.model_fields}
    return ResourcePublic(
        **data,
        id=resource.id,
        department=resource.department,
        code=resource.code,
        version=version.version,
        status=version.status,
        latest_version=resource.latest_version,
        published_version=resource.published_version,
        created_at=version.created_at,
        submitted_at=version.submitted_at,
        review_due_on=version.review_due_on,
        provisional=version.review_due_provisional,
        published_at=version.published_at,
        rejected_reason=version.rejected_reason,
        superseded_at=version.superseded_at,
        review_overdue_on=version.review_overdue_on,
        withdrawn_at=resource.withdrawn_at,
        withdrawn_reason=resource.withdrawn_reason,
        duplicates=version.duplicates,
        chain=chain_state(version),
        score=score,
    )


async def get_resource(
    session: AsyncSession, *, resource_id: str, principal: Principal
) -> ResourcePublic:
    resource = await find_resource(session, resource_id, principal)
    version = await session.get(ResourceVersion, (resource.id, shown_version(resource, principal)))
    assert version is not None
    return to_public(resource, version)


async def get_version(
    session: AsyncSession, *, resource_id: str, number: int, principal: Principal
) -> ResourcePublic:
    """Every version is kept and readable; others than the department see published ones only."""
    resource = await find_resource(session, resource_id, principal)
    version = await session.get(ResourceVersion, (resource.id, number))
    if version is None or not (
        version.status in VISIBLE_TO_ALL or principal.may_read_department(resource.department)
    ):
        raise NotFound(f"资源 {resource_id} 没有版本 {number}")
    return to_public(resource, version)


async def list_versions(
    session: AsyncSession, *, resource_id: str, principal: Principal
) -> list[ResourcePublic]:
    resource = await find_resource(session, resource_id, principal)
    query = select(ResourceVersion).where(col(ResourceVersion.resource_id) == resource.id)
    if not principal.may_read_department(resource.department):
        query = query.where(col(ResourceVersion.status).in_(VISIBLE_TO_ALL))
    versions = (await session.scalars(query.order_by(col(ResourceVersion.version)))).all()
    return [to_public(resource, v) for v in versions]
