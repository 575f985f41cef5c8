"""Self-hosted API documentation: Swagger UI and ReDoc served by the platform itself.

The district's network has no internet, so FastAPI's default pages (scripts and stylesheet from a
public CDN, the favicon from FastAPI's website) would be blank there. Every app (the services and
the gateway, all built by :func:`pdp_kit.service.create_service_app`) serves the assets shipped by
the ``fastapi-offline`` package (Swagger UI under Apache-2.0, ReDoc and the favicon under MIT;
their licences travel with the package) under its own ``/api/<name>/`` prefix, so the pages work
the same when the gateway proxies them.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Swagger UI's own option: ``null`` keeps it from asking an online validator about the document.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None, "persistAuthorization": True}


def assets_directory() -> str:
    """Where ``fastapi-offline`` keeps ``swagger-ui-bundle.js``, ``swagger-ui.css``,
    ``redoc.standalone.js`` and ``favicon.png``."""
    return str(files("fastapi_offline").joinpath("static"))


def install_api_docs(app: FastAPI, prefix: str) -> None:
    """``{prefix}/docs`` (Swagger UI), ``{prefix}/redoc`` (ReDoc) and their assets under
    ``{prefix}/docs-assets/``; the app must be built with ``docs_url=None, redoc_url=None``."""
    assets = f"{prefix}/docs-assets"
    openapi_url = app.openapi_url or f"{prefix}/openapi.json"
    oauth2_redirect_url = f"{prefix}/docs/oauth2-redirect"
    app.mount(assets, StaticFiles(directory=assets_directory()), name="docs-assets")

    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} · API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon.png",
            oauth2_redirect_url=oauth2_redirect_url,
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} · API",
            redoc_js_url=f"{assets}/redoc.standalone.js",
            redoc_favicon_url=f"{assets}/favicon.png",
            with_google_fonts=False,
        )

    app.add_api_route(f"{prefix}/docs", swagger_ui, include_in_schema=False)
    app.add_api_route(oauth2_redirect_url, swagger_ui_redirect, include_in_schema=False)
    app.add_api_route(f"{prefix}/redoc", redoc, include_in_schema=False)
