from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep, TransactionDep
from pdp_kit.errors import PROBLEM_JSON, Problem, problem_response
from pdp_kit.pagination import Page, PageDep
from registry import clock
from registry.authorisations import lifecycle, service
from registry.authorisations.access import to_public
from registry.authorisations.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    AuthorisationCreate,
    AuthorisationData,
    AuthorisationPublic,
    EvaluationCreate,
    EvaluationPublic,
    Revocation,
)
from registry.calls.service import call_data

router = APIRouter(prefix="/authorisations", tags=["authorisations"])


def _interval(request: Request) -> int:
    return int(request.app.state.settings.evaluation_interval_months)


@router.post("", response_model=AuthorisationPublic, status_code=201)
async def grant_authorisation(
    data: AuthorisationCreate, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> AuthorisationPublic:
    """Bureau only (Art. 27). `resources` must be published resources, `valid_until` not before
    `valid_from`; 422 lists every problem. Each scenario starts `pending`: it can be used only
    after its assessment passed."""
    authorisation = await service.grant(
        session, data=data, principal=principal, interval_months=_interval(request)
    )
    return to_public(authorisation, clock.today())


@router.get("", response_model=Page[AuthorisationPublic])
async def list_authorisations(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    operator: str | None = None,
    status: Annotated[
        Literal["active", "revoked", "expired"] | None,
        Query(description="active、revoked、expired"),
    ] = None,
) -> Page[AuthorisationPublic]:
    """An operator: its own authorisations. The bureau, the data centre, the supervisors: all."""
    return await service.list_authorisations(
        session, principal=principal, page=page, operator=operator, status=status
    )


@router.get("/{authorisation_id}", response_model=AuthorisationPublic)
async def get_authorisation(
    authorisation_id: str, session: SessionDep, principal: CurrentPrincipal
) -> AuthorisationPublic:
    """The bureau and the operator it was granted to (the data centre and supervisors read);
    `status` is `active`, `revoked` or `expired`."""
    return await service.get_authorisation(
        session, authorisation_id=authorisation_id, principal=principal
    )


@router.post("/{authorisation_id}/assessments", response_model=AuthorisationPublic)
async def assess_scenario(
    authorisation_id: str, data: AssessmentCreate, session: SessionDep, principal: CurrentPrincipal
) -> AuthorisationPublic:
    """Bureau only: the compliance and security-risk assessment of one scenario (Art. 27),
    `result` `pass` or `fail`; the latest result counts."""
    authorisation = await service.assess_scenario(
        session, authorisation_id=authorisation_id, data=data, principal=principal
    )
    return to_public(authorisation, clock.today())


@router.get("/{authorisation_id}/assessments", response_model=Page[AssessmentPublic])
async def list_assessments(
    authorisation_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[AssessmentPublic]:
    """Every assessment of the authorisation's scenarios, oldest first."""
    return await service.list_assessments(
        session, authorisation_id=authorisation_id, principal=principal, page=page
    )


@router.post("/{authorisation_id}/evaluations", response_model=EvaluationPublic)
async def evaluate_authorisation(
    authorisation_id: str,
    data: EvaluationCreate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> EvaluationPublic:
    """Bureau only: the periodic evaluation (Art. 27). `fail` revokes the authorisation: its data
    access stops at once and the products registered under it are marked."""
    evaluation = await lifecycle.evaluate(
        session,
        authorisation_id=authorisation_id,
        data=data,
        principal=principal,
        interval_months=_interval(request),
    )
    return EvaluationPublic.model_validate(evaluation.model_dump())


@router.get("/{authorisation_id}/evaluations", response_model=Page[EvaluationPublic])
async def list_evaluations(
    authorisation_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[EvaluationPublic]:
    """Open and concluded evaluations, oldest first."""
    return await service.list_evaluations(
        session, authorisation_id=authorisation_id, principal=principal, page=page
    )


@router.post("/{authorisation_id}/revoke", response_model=AuthorisationPublic)
async def revoke_authorisation(
    authorisation_id: str, data: Revocation, session: SessionDep, principal: CurrentPrincipal
) -> AuthorisationPublic:
    """Bureau only: a serious breach of the authorisation agreement or lost eligibility
    (Art. 27). Access stops at once; 409 if it already ended."""
    authorisation = await lifecycle.revoke_by_bureau(
        session, authorisation_id=authorisation_id, data=data, principal=principal
    )
    return to_public(authorisation, clock.today())


@router.get(
    "/{authorisation_id}/resources/{resource_id}/data",
    response_model=AuthorisationData,
    responses={
        503: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "数据目录服务不可达"}
    },
)
async def call_authorised_data(
    authorisation_id: str,
    resource_id: str,
    request: Request,
    session: TransactionDep,
    principal: CurrentPrincipal,
    scenario: Annotated[str, Query(min_length=1, description="已通过评估的应用场景")],
    limit: Annotated[
        int, Query(ge=1, description="每页条数，最多 500", json_schema_extra={"maximum": 500})
    ] = 100,
    cursor: Annotated[str | None, Query(description="上一页返回的 next_cursor")] = None,
) -> AuthorisationData | JSONResponse:
    """The operator's own authorisation only: records of an authorised resource, for a scenario
    whose assessment passed, while the authorisation is active and within its term (409 naming
    the state otherwise). Every call is recorded as a usage record, refused and failed ones too;
    503 when the catalog cannot be reached."""
    outcome = await call_data(
        session,
        authorisation_id=authorisation_id,
        resource_id=resource_id,
        scenario=scenario,
        principal=principal,
        limit=limit,
        cursor=cursor,
        catalog=request.app.state.catalog_records,
    )
    if outcome.error is not None:
        # Answered, not raised: the usage record of a refused or failed call must commit.
        return problem_response(outcome.error.to_problem())
    assert outcome.data is not None
    return outcome.data
