"""Applications from the municipal open-data platform (Art. 24): submission, reading, listing."""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from stdnum.cn import uscc

from opening import clock
from opening.applications.access import application_public, visible_application
from opening.applications.models import Application
from opening.applications.schemas import ApplicantKind, ApplicationCreate, ApplicationPublic
from opening.ids import new_id
from opening.listings.models import Listing
from opening.listings.schemas import conditions_of
from pdp_contracts.opening import ApplicationReceived
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import insert_or_conflict
from pdp_kit.errors import Conflict, FieldProblem, Forbidden, Invalid, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page

MUNICIPAL_KEY = "municipal:"


class DuplicateApplication(Conflict):
    code, title = "application-exists", "该申请已受理"


async def _by_municipal_id(session: AsyncSession, municipal_id: str | None) -> Application | None:
    if not municipal_id:
        return None
    query = select(Application).where(col(Application.municipal_id) == municipal_id)
    return (await session.scalars(query)).first()


def _problems(data: ApplicationCreate, listing: Listing) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    applicant = data.applicant
    if applicant.kind is not ApplicantKind.PERSON:
        if not applicant.credit_code:
            problems.append(
                FieldProblem("applicant.credit_code", "required for a legal person or organisation")
            )
        elif not uscc.is_valid(applicant.credit_code):
            problems.append(
                FieldProblem("applicant.credit_code", "not a valid unified social credit code")
            )
    if listing.status != "active":
        problems.append(FieldProblem("listing_id", f"the listing is {listing.status}"))
    elif listing.open_type == "not_open":
        problems.append(FieldProblem("listing_id", "the listing is not open"))
    elif listing.open_type == "unconditional":
        problems.append(FieldProblem("listing_id", "an unconditional listing needs no application"))
    conditions = conditions_of(listing.conditions)
    if conditions is not None:
        forbidden = [s for s in conditions.forbidden_scenarios if s and s in data.scenario]
        if forbidden:
            problems.append(
                FieldProblem("scenario", f"forbidden by the listing: {', '.join(forbidden)}")
            )
        undeclared = [
            str(c) for c in conditions.credit_requirements if c not in data.credit_declarations
        ]
        if undeclared:
            # Art. 23: credit standing; the applicant declares it is on none of these lists.
            problems.append(
                FieldProblem("credit_declarations", f"must declare: {', '.join(undeclared)}")
            )
    if data.valid_until is not None and data.valid_until < clock.today():
        problems.append(FieldProblem("valid_until", "must not be in the past"))
    return problems


async def submit_application(
    session: AsyncSession,
    *,
    data: ApplicationCreate,
    principal: Principal,
    idempotency_key: str | None,
) -> tuple[Application, bool]:
    """Only the municipal open-data platform submits (Art. 24). The adapter's
    ``Idempotency-Key: municipal:<id>`` makes a repeated post return the first application
    (``False``: nothing new)."""
    require_role(principal, Role.MUNICIPAL)
    municipal_id = idempotency_key.removeprefix(MUNICIPAL_KEY)[:80] if idempotency_key else None
    existing = await _by_municipal_id(session, municipal_id)
    if existing is not None:
        return existing, False
    listing = await session.get(Listing, data.listing_id)
    if listing is None:
        raise NotFound(f"开放清单条目 {data.listing_id} 不存在")
    problems = _problems(data, listing)
    if problems:
        raise Invalid("开放申请未通过校验", errors=problems)
    today = clock.today()
    application = Application(
        id=new_id(),
        municipal_id=municipal_id,
        listing_id=listing.id,
        resource_id=listing.resource_id,
        department=listing.department,
        applicant_kind=str(data.applicant.kind),
        applicant_name=data.applicant.name,
        credit_code=uscc.compact(data.applicant.credit_code)
        if data.applicant.credit_code
        else None,
        client_id=data.applicant.client_id,
        scenario=data.scenario,
        materials=list(data.materials),
        credit_declarations=[str(c) for c in data.credit_declarations],
        requested_until=data.valid_until,
        received_on=today,
    )
    try:
        await insert_or_conflict(session, application, DuplicateApplication("该申请已受理"))
    except DuplicateApplication:
        # The same municipal application posted twice at once: the other post took it.
        existing = await _by_municipal_id(session, municipal_id)
        if existing is None:
            raise
        return existing, False
    await session.execute(
        update(Listing)
        .where(col(Listing.id) == listing.id)
        .values(applications=col(Listing.applications) + 1)
    )
    await record_event(
        session,
        ApplicationReceived(
            id=application.id,
            listing_id=listing.id,
            department=listing.department,
            applicant_kind=application.applicant_kind,
            client_id=application.client_id,
            municipal_id=municipal_id,
            received_on=today,
        ),
        subject=application.id,
        actor=principal.client_id,
        department=listing.department,
    )
    return application, True


async def get_application(
    session: AsyncSession, *, application_id: str, principal: Principal
) -> ApplicationPublic:
    return application_public(await visible_application(session, application_id, principal))


async def list_applications(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    status: str | None,
    listing_id: str | None,
) -> Page[ApplicationPublic]:
    """The data centre, the bureau, the supervisors and the municipal platform see all; a
    department the applications for its listings; a public client its own."""
    query = select(Application)
    if not (principal.is_staff or principal.has(*SUPERVISORS, Role.MUNICIPAL)):
        if principal.has(Role.DEPARTMENT):
            query = query.where(col(Application.department) == (principal.department or ""))
        elif principal.has(Role.PUBLIC):
            query = query.where(col(Application.client_id) == principal.client_id)
        else:
            raise Forbidden("无权查看开放申请")
    if status is not None:
        query = query.where(col(Application.status) == status)
    if listing_id is not None:
        query = query.where(col(Application.listing_id) == listing_id)
    return await keyset_page(
        session,
        query,
        key=Application.id,  # type: ignore[arg-type]
        page=page,
        to_public=application_public,
        cursor_of=lambda application: application.id,
    )
