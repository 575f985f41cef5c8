from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from opening.dcat import service
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import PageDep

router = APIRouter(tags=["dcat"])


@router.get(
    "/dcat.jsonld",
    response_class=JSONResponse,
    responses={200: {"content": {"application/ld+json": {}}, "description": "DCAT-AP 开放清单"}},
)
async def dcat_open_list(
    request: Request, session: SessionDep, _: CurrentPrincipal, page: PageDep
) -> JSONResponse:
    """The open list as DCAT-AP JSON-LD for the municipal open-data platform: open types as
    `dct:accessRights`, a conditional listing's conditions as an ODRL offer on its distributions
    (`odrl:hasPolicy`). Paged with `hydra:next` (any authenticated caller)."""
    base = request.app.state.settings.public_base_url.rstrip("/")
    document = await service.open_list(session, base=base, page=page)
    return JSONResponse(document, media_type="application/ld+json")
