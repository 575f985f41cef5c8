"""Every app serves its API docs from its own assets: the district's network has no internet."""

import httpx
import pytest
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

from pdp_kit.testing.pages import fetched_assets, outside_references

PAGE = "http://testserver/api/demo/docs"


@pytest.mark.parametrize("page", ["/api/demo/docs", "/api/demo/redoc"])
async def test_a_docs_page_loads_every_asset_from_its_own_service(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    url = f"http://testserver{page}"
    assert outside_references(response.text, url) == []
    assets = fetched_assets(response.text, url)
    assert any(asset.endswith(".js") for asset in assets)
    assert any(asset.endswith("favicon.png") for asset in assets)
    for asset in assets:
        assert asset.startswith("http://testserver/api/demo/"), asset
        loaded = await client.get(asset)
        assert loaded.status_code == 200, asset
        assert loaded.content


async def test_swagger_ui_asks_no_online_validator_and_redirects_oauth_under_the_prefix(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/api/demo/docs")).text
    assert '"validatorUrl": null' in page
    assert "'/api/demo/docs/oauth2-redirect'" in page
    redirect = await client.get("/api/demo/docs/oauth2-redirect")
    assert redirect.status_code == 200


async def test_the_docs_pages_are_not_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api/demo/openapi.json")).json()["paths"]
    assert not [path for path in paths if "/docs" in path or "/redoc" in path]


def test_the_check_catches_fastapis_default_cdn_pages() -> None:
    swagger = get_swagger_ui_html(openapi_url="/api/demo/openapi.json", title="t").body
    redoc = get_redoc_html(openapi_url="/api/demo/openapi.json", title="t").body
    assert outside_references(bytes(swagger).decode(), PAGE)
    assert outside_references(bytes(redoc).decode(), PAGE)
