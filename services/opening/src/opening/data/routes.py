from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from opening.data import download as downloads
from opening.data.schemas import OpenDataPage
from opening.data.service import read_page
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import TransactionDep
from pdp_kit.errors import PROBLEM_JSON, Problem, problem_response

router = APIRouter(prefix="/listings", tags=["open data"])
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "数据目录服务不可达"}
}


@router.get("/{listing_id}/data", response_model=OpenDataPage, responses=UNAVAILABLE)
async def read_open_data(
    listing_id: str,
    request: Request,
    session: TransactionDep,
    principal: CurrentPrincipal,
    limit: Annotated[
        int, Query(ge=1, description="每页条数，最多 500", json_schema_extra={"maximum": 500})
    ] = 100,
    cursor: Annotated[str | None, Query(description="上一页返回的 next_cursor")] = None,
) -> OpenDataPage | JSONResponse:
    """A page of the listing's records, desensitised by its profile (a dropped field is never
    present). Unconditional listings: any `public` client; conditional: only the client of an
    approved application, within its period (403 otherwise). Every read is a usage record."""
    outcome = await read_page(
        session,
        listing_id=listing_id,
        principal=principal,
        limit=limit,
        cursor=cursor,
        catalog=request.app.state.catalog_records,
    )
    if outcome.error is not None:
        # Answered, not raised: the usage record of a refused or failed read must commit.
        return problem_response(outcome.error.to_problem())
    assert outcome.data is not None
    return outcome.data


@router.get(
    "/{listing_id}/download",
    response_model=None,
    responses={
        200: {"content": {"text/csv": {}, "application/json": {}}},
        **UNAVAILABLE,
    },
)
async def download_open_data(
    listing_id: str,
    request: Request,
    session: TransactionDep,
    principal: CurrentPrincipal,
    format: Annotated[downloads.Format, Query(description="csv 或 json")] = downloads.Format.CSV,
) -> StreamingResponse | JSONResponse:
    """The whole dataset, streamed as CSV (metadata and citation in leading `#` lines) or JSON
    (`{dataset: {...}, records: [...]}`), desensitised like every page; the same entitlement."""
    catalog = request.app.state.catalog_records
    started = await downloads.start_download(
        session, listing_id=listing_id, principal=principal, format=format, catalog=catalog
    )
    if not isinstance(started, downloads.Download):
        return problem_response(started.to_problem())
    body = downloads.stream(
        started,
        catalog=catalog,
        sessionmaker=request.app.state.sessionmaker,
        principal=principal,
    )
    return StreamingResponse(
        body,
        media_type=downloads.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{started.filename}"'},
    )
