from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from catalog.dcat import service
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import PageDep

router = APIRouter(tags=["dcat"])


@router.get(
    "/dcat.jsonld",
    response_class=JSONResponse,
    responses={200: {"content": {"application/ld+json": {}}, "description": "DCAT-AP 目录"}},
)
async def dcat_catalogue(
    request: Request, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> JSONResponse:
    """The published catalogue as DCAT-AP JSON-LD (`dcat:Catalog` with `dcat:dataset` entries);
    `dct:accessRights` maps share and open types to the EU access-right vocabulary. Paged with
    `hydra:next` (any authenticated caller)."""
    base = request.app.state.settings.public_base_url.rstrip("/")
    document = await service.catalogue(session, base=base, page=page)
    return JSONResponse(document, media_type="application/ld+json")
