from typing import Annotated

from fastapi import APIRouter, Query, Request

from catalog.records import service
from catalog.records.schemas import IngestResult, RecordBatch, RecordsPage
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.errors import PROBLEM_JSON, Problem
from pdp_kit.pagination import PageDep

router = APIRouter(tags=["records"])


@router.post(
    "/resources/{resource_id}/records",
    response_model=IngestResult,
    responses={413: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "批次过大"}},
)
async def ingest_records(
    resource_id: str,
    data: RecordBatch,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> IngestResult:
    """Push a batch of the resource's records (own department, Art. 14). Records are checked
    against the published fields: types, required fields and formats (resident ID numbers,
    unified social credit codes, phone numbers, e-mail addresses). Formatted values are stored
    in one spelling (ID numbers and credit codes trimmed and upper-case, phones in E.164,
    e-mail domains lower-case) and numbers keyed by value, so one person or company is one record.

    Upsert merges by field: a record is found by its key fields; each field the push carries
    replaces the stored value (`null` clears it), a field the push leaves out keeps its stored
    value, so a partial push never erases data. A key repeated within a batch is merged the same
    way and counted once in `accepted`. Each invalid record is listed with its `index` and every
    problem. A batch over the limit (5,000 by default) is refused whole with 413; a withdrawn
    resource takes no records (409)."""
    return await service.ingest(
        session,
        resource_id=resource_id,
        records=data.records,
        limit=request.app.state.settings.records_batch_limit,
        principal=principal,
    )


@router.get("/internal/resources/{resource_id}/records", response_model=RecordsPage)
async def read_records(
    resource_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    fields: Annotated[str | None, Query(description="逗号分隔的字段名；默认全部字段")] = None,
) -> RecordsPage:
    """Records for the platform's own services (service token only; never a department's)."""
    names = [name.strip() for name in fields.split(",") if name.strip()] if fields else None
    return await service.read_records(
        session, resource_id=resource_id, fields=names, page=page, principal=principal
    )
