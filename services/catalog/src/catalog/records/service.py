"""Aggregation (应归尽归, Art. 14): departments push their records; the platform keeps the valid
ones, reports each invalid one, and serves them to the platform's own services.

The write path is the hot path (ARCHITECTURE: Performance): records are checked by a compiled
:class:`RecordSchema` and written with one Core ``INSERT … ON CONFLICT DO UPDATE`` executemany,
never through the ORM row by row.
"""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.access import ensure_owner
from catalog.records.models import IngestStats, Record
from catalog.records.schemas import IngestResult, RecordsPage, RejectedRecord
from catalog.records.validation import RecordSchema, schema_for
from catalog.resources.errors import ResourceNotPublished
from catalog.resources.models import Resource, ResourceVersion
from catalog.resources.service import find_resource
from catalog.upsert import upsert
from pdp_contracts.catalog import RecordsIngested
from pdp_kit.auth import Principal, require_service
from pdp_kit.db import utcnow
from pdp_kit.errors import FieldProblem, Invalid, NotFound, PayloadTooLarge, ProblemField
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import PageParams, encode_cursor

RECORD_TABLE = Record.__table__  # type: ignore[attr-defined]
STATS_TABLE = IngestStats.__table__  # type: ignore[attr-defined]


class BatchTooLarge(PayloadTooLarge):
    code, title = "record-batch-too-large", "记录批次过大"


async def published_version(session: AsyncSession, resource: Resource) -> ResourceVersion:
    """Records are checked against the published catalogue entry (Art. 13: collect to the
    catalogue's standard); a resource never published has nothing to aggregate yet."""
    if resource.withdrawn_at is not None:
        raise ResourceNotPublished(
            "资源已下线",
            errors=[FieldProblem("status", "is withdrawn: its source is gone (Art. 9)")],
        )
    if resource.published_version is None:
        raise ResourceNotPublished(
            "资源尚未发布，不能归集数据",
            errors=[
                FieldProblem("status", f"is {resource.status}; records need a published version")
            ],
        )
    version = await session.get(ResourceVersion, (resource.id, resource.published_version))
    assert version is not None
    return version


async def ingest(
    session: AsyncSession, *, resource_id: str, records: list[Any], limit: int, principal: Principal
) -> IngestResult:
    """A batch over ``limit`` is refused whole; otherwise valid records are kept (upserted by the
    key fields, the last one winning within a batch) and each invalid one is reported."""
    if len(records) > limit:
        raise BatchTooLarge(
            f"一批最多 {limit} 条记录，本批 {len(records)} 条",
            errors=[FieldProblem("records", f"at most {limit} records per batch")],
        )
    resource = await find_resource(session, resource_id, principal)
    ensure_owner(principal, resource.department)
    version = await published_version(session, resource)
    schema = schema_for(resource.id, version.version, json.dumps(version.fields, sort_keys=True))
    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    rejected: list[RejectedRecord] = []
    for index, record in enumerate(records):
        checked = schema.check(record)
        if isinstance(checked, list):
            rejected.append(
                RejectedRecord(
                    index=index,
                    errors=[
                        ProblemField(field=field, message=message) for field, message in checked
                    ],
                )
            )
            continue
        earlier = rows.get(checked.key)
        data = {**earlier["data"], **checked.data} if earlier else checked.data
        rows[checked.key] = {
            "resource_id": resource.id,
            "record_key": checked.key,
            "data": data,
            "filled": schema.filled_in(data),
            "field_count": schema.field_count,
            "updated_at": now,
        }
    accepted = len(rows)  # one record per key, however often the batch repeats it
    await _merge_stored(session, resource.id, rows, schema)
    dialect = session.bind.dialect.name
    if rows:
        statement = upsert(
            dialect,
            RECORD_TABLE,
            keys=("resource_id", "record_key"),
            replace=("data", "filled", "field_count", "updated_at"),
        )
        await session.execute(statement, list(rows.values()))
    await session.execute(
        upsert(
            dialect,
            STATS_TABLE,
            keys=("resource_id",),
            replace=("last_ingested_at",) if accepted else (),
            add=("batches", "accepted_total", "rejected_total"),
            values={
                "resource_id": resource.id,
                "batches": 1,
                "accepted_total": accepted,
                "rejected_total": len(rejected),
                "last_ingested_at": now if accepted else None,
            },
        )
    )
    await record_event(
        session,
        RecordsIngested(
            resource_id=resource.id,
            version=version.version,
            department=resource.department,
            accepted=accepted,
            rejected=len(rejected),
        ),
        subject=resource.id,
        actor=principal.client_id,
        department=resource.department,
    )
    return IngestResult(
        resource_id=resource.id, version=version.version, accepted=accepted, rejected=rejected
    )


async def _merge_stored(
    session: AsyncSession, resource_id: str, rows: dict[str, dict[str, Any]], schema: RecordSchema
) -> None:
    """Merge by field: a pushed field replaces the stored value (``null`` clears it), a field the
    push leaves out keeps its stored value, so a partial push never erases data (Art. 14)."""
    if not rows:
        return
    stored = await session.execute(
        select(col(Record.record_key), col(Record.data)).where(
            col(Record.resource_id) == resource_id, col(Record.record_key).in_(list(rows))
        )
    )
    for key, data in stored.all():
        row = rows[key]
        row["data"] = {**data, **row["data"]}
        row["filled"] = schema.filled_in(row["data"])


async def read_records(
    session: AsyncSession,
    *,
    resource_id: str,
    fields: list[str] | None,
    page: PageParams,
    principal: Principal,
) -> RecordsPage:
    """For the platform's own services only (sharing's grants, opening's listings), which check
    their callers' entitlement themselves; a department, the bureau or another service gets 403
    (Art. 19)."""
    require_service(principal, "sharing", "opening", "registry")
    resource = await session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(f"资源 {resource_id} 不存在")
    version = await published_version(session, resource)
    known = {f["name"] for f in version.fields}
    if fields:
        unknown = [name for name in fields if name not in known]
        if unknown:
            raise Invalid(
                errors=[FieldProblem("fields", f"not fields of the resource: {', '.join(unknown)}")]
            )
    if page.after is not None and not isinstance(page.after, str):
        raise Invalid(errors=[FieldProblem("cursor", "not a cursor from this list")])
    query = select(col(Record.record_key), col(Record.data)).where(
        col(Record.resource_id) == resource.id
    )
    if page.after is not None:
        query = query.where(col(Record.record_key) > page.after)
    rows = (
        await session.execute(query.order_by(col(Record.record_key)).limit(page.limit + 1))
    ).all()
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    wanted = fields or [f["name"] for f in version.fields]
    items = [{name: data.get(name) for name in wanted} for _, data in rows]
    return RecordsPage(
        resource_id=resource.id,
        version=version.version,
        items=items,
        next_cursor=encode_cursor(rows[-1][0]) if more and rows else None,
    )
