from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query
from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict
from sqlalchemy import select

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.auth import CurrentPrincipal, Role, require_role
from pdp_kit.calendar_store import when_calendar_year_loaded_store_it
from pdp_kit.db import SessionDep
from pdp_kit.errors import Conflict
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.outbox import record_event
from pdp_kit.models import CalendarYearRow
from pdp_kit.pagination import Page, PageDep, keyset_page
from pdp_kit.service import ServiceDefinition, create_service_app
from pdp_kit.settings import ServiceSettings
from pdp_kit.sweeps import Sweep


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PDP_DEMO_", extra="ignore")
    service_name = "demo"


class Item(BaseModel):
    name: str = Field(min_length=1)
    count: int = Field(ge=0, strict=True)


router = APIRouter()


@router.post("/items", status_code=201)
async def create_item(item: Item, principal: CurrentPrincipal) -> Item:
    return item


@router.get("/whoami")
async def whoami(principal: CurrentPrincipal) -> dict[str, object]:
    return {
        "client_id": principal.client_id,
        "roles": sorted(principal.roles),
        "department": principal.department,
    }


@router.post("/conflict")
async def conflict(principal: CurrentPrincipal) -> None:
    raise Conflict("已经处理过")


@router.post("/crash")
async def crash(principal: CurrentPrincipal) -> None:
    raise RuntimeError("boom")


@router.post("/calendar/{year}")
async def publish_year(
    year: int, session: SessionDep, principal: CurrentPrincipal
) -> dict[str, int]:
    require_role(principal, Role.BUREAU)
    await record_event(
        session, CalendarYearLoaded(year=year, holidays=[], workdays=[]), subject=str(year)
    )
    return {"year": year}


@router.get("/search")
async def search(
    q: Annotated[str, Query(min_length=2)], principal: CurrentPrincipal
) -> dict[str, str]:
    return {"q": q}


class YearOut(BaseModel):
    year: int


@router.get("/years")
async def list_years(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[YearOut]:
    return await keyset_page(
        session,
        select(CalendarYearRow),
        key=CalendarYearRow.year,  # type: ignore[arg-type]
        page=page,
        to_public=lambda row: YearOut(year=row.year),
        cursor_of=lambda row: row.year,
    )


async def count_sweep(session, as_of):  # type: ignore[no-untyped-def]
    return {"as_of": as_of.isoformat()}


definition = ServiceDefinition(
    name="demo",
    title="demo",
    settings_class=DemoSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(router,),
    subscriptions=Subscriptions(
        handlers={CalendarYearLoaded.event_type: [when_calendar_year_loaded_store_it]}
    ),
    sweeps=(Sweep("count", count_sweep),),
)


def create_app(settings: DemoSettings | None = None) -> FastAPI:
    return create_service_app(definition, settings)
