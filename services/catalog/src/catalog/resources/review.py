"""Submission, the bureau's review and publication (Art. 10), and chaining (Art. 11).

Submitting starts the bureau's 2-working-day review, counted from the day after receipt in
Asia/Shanghai. Publishing supersedes the previously published version, refreshes the search and
duplicate indexes, and asks the gateway's municipal adapter to chain the entry.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalog import clock
from catalog.changes import obligations
from catalog.departments.models import Department
from catalog.resources.duplicates import index_fields
from catalog.resources.errors import WrongResourceState
from catalog.resources.models import Resource, ResourceVersion
from catalog.resources.search import index_version
from catalog.resources.service import find_resource, latest
from pdp_contracts.catalog import (
    ResourceChainRequested,
    ResourceFieldSpec,
    ResourcePublished,
    ResourceRejected,
    ResourceSubmitted,
    ResourceSuperseded,
)
from pdp_kit.auth import Principal, Role, require_department_or, require_role
from pdp_kit.calendar_store import load_calendar
from pdp_kit.db import utcnow
from pdp_kit.errors import FieldProblem
from pdp_kit.events.outbox import record_event

REVIEW_WORKING_DAYS = 2  # Art. 10: the bureau reviews within 2 working days of receipt


def _wrong_state(version: ResourceVersion, wanted: str) -> WrongResourceState:
    return WrongResourceState(
        f"版本 {version.version} 当前为 {version.status}",
        errors=[FieldProblem("status", f"is {version.status}; the action needs {wanted}")],
    )


async def submit(
    session: AsyncSession, *, resource_id: str, principal: Principal
) -> tuple[Resource, ResourceVersion]:
    resource = await find_resource(session, resource_id, principal, lock=True)
    require_department_or(principal, resource.department)
    version = await latest(session, resource)
    if version.status != "draft":
        raise _wrong_state(version, "draft")
    received_on = clock.today()
    deadline = (await load_calendar(session)).add_working_days(received_on, REVIEW_WORKING_DAYS)
    version.status = resource.status = "in_review"
    version.submitted_at, version.submitted_on = utcnow(), received_on
    version.review_due_on, version.review_due_provisional = deadline.due_on, deadline.provisional
    await obligations.when_resource_submitted(session, resource=resource, submitted_on=received_on)
    await record_event(
        session,
        ResourceSubmitted(
            id=resource.id,
            version=version.version,
            department=resource.department,
            review_due_on=deadline.due_on,
            provisional=deadline.provisional,
        ),
        subject=resource.id,
        actor=principal.client_id,
        department=resource.department,
    )
    await session.flush()
    return resource, version


async def reject(
    session: AsyncSession, *, resource_id: str, reason: str, principal: Principal
) -> tuple[Resource, ResourceVersion]:
    """The bureau sends the update back with its reasons; the department drafts the next version."""
    require_role(principal, Role.BUREAU)
    resource = await find_resource(session, resource_id, principal, lock=True)
    version = await latest(session, resource)
    if version.status != "in_review":
        raise _wrong_state(version, "in_review")
    version.status = resource.status = "rejected"
    version.rejected_at, version.rejected_reason = utcnow(), reason
    await obligations.when_resource_rejected(session, resource=resource, actor=principal.client_id)
    await record_event(
        session,
        ResourceRejected(
            id=resource.id, version=version.version, department=resource.department, reason=reason
        ),
        subject=resource.id,
        actor=principal.client_id,
        department=resource.department,
    )
    await session.flush()
    return resource, version


async def publish(
    session: AsyncSession, *, resource_id: str, principal: Principal
) -> tuple[Resource, ResourceVersion]:
    """The bureau publishes what it reviewed (Art. 10); the data centre chains it (Art. 11)."""
    require_role(principal, Role.BUREAU)
    resource = await find_resource(session, resource_id, principal, lock=True)
    version = await latest(session, resource)
    if version.status != "in_review":
        raise _wrong_state(version, "in_review")
    now = utcnow()
    if resource.published_version is not None:
        previous = await session.get(ResourceVersion, (resource.id, resource.published_version))
        assert previous is not None
        previous.status, previous.superseded_at = "superseded", now
        await record_event(
            session,
            ResourceSuperseded(
                id=resource.id,
                version=previous.version,
                department=resource.department,
                by_version=version.version,
            ),
            subject=resource.id,
            actor=principal.client_id,
            department=resource.department,
        )
    version.status = resource.status = "published"
    version.published_at = now
    resource.published_version = version.version
    await session.flush()
    await index_version(session, version)
    await index_fields(session, resource=resource, version=version)
    await obligations.when_resource_published(
        session, resource=resource, published_on=clock.today(), principal=principal
    )
    await _announce(session, resource, version, principal)
    await session.flush()
    return resource, version


def _entry(resource: Resource, version: ResourceVersion) -> dict[str, Any]:
    assert version.published_at is not None
    return {
        "id": resource.id,
        "version": version.version,
        "department": resource.department,
        "code": resource.code,
        "name": version.name,
        "description": version.description,
        "duty": version.duty,
        "system": version.system,
        "share_type": version.share_type,
        "open_type": version.open_type,
        "grade": version.grade,
        "level": version.level,
        "important": version.important,
        "update_frequency": version.update_frequency,
        "fields": [ResourceFieldSpec.model_validate(f) for f in version.fields],
        "published_at": version.published_at,
    }


async def _announce(
    session: AsyncSession, resource: Resource, version: ResourceVersion, principal: Principal
) -> None:
    await record_event(
        session,
        ResourcePublished(**_entry(resource, version), share_basis=version.share_basis),
        subject=resource.id,
        actor=principal.client_id,
        department=resource.department,
    )
    await request_chain(session, resource, version, actor=principal.client_id)


async def request_chain(
    session: AsyncSession, resource: Resource, version: ResourceVersion, *, actor: str | None
) -> None:
    """Ask the gateway's municipal adapter to chain the published version (Art. 11)."""
    version.chain_status, version.chain_updated_at = "pending", utcnow()
    version.chain_tx_id = version.chain_reason = None
    department = await session.get(Department, resource.department)
    await record_event(
        session,
        ResourceChainRequested(
            **_entry(resource, version),
            department_name=department.name if department else resource.department,
        ),
        subject=resource.id,
        actor=actor,
        department=resource.department,
    )
