"""``GET /``: the front door a person reaches from the address ``make run`` prints."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gateway.frontdoor.page import render

router = APIRouter(tags=["front door"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def front_door(request: Request) -> HTMLResponse:
    """A small Chinese page linking the console, every service's API docs, the OAuth metadata
    and readiness; it loads nothing from another host."""
    return HTMLResponse(render(str(request.base_url)))
