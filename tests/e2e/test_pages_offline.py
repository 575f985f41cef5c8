"""The district's network has no internet: every page the platform shows a person (the front
door, each service's and the gateway's API docs) loads everything from the platform itself."""

from __future__ import annotations

import re

import httpx
import pytest

from pdp_kit.testing.pages import fetched_assets, outside_references

from .conftest import RunningPlatform

SERVICES = ("catalog", "sharing", "opening", "registry", "audit", "gateway")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("page", ["docs", "redoc"])
def test_api_docs_through_the_gateway_load_only_from_the_platform(
    platform: RunningPlatform, service: str, page: str
) -> None:
    url = f"{platform.url}/api/{service}/{page}"
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    assert outside_references(response.text, url) == []
    assets = fetched_assets(response.text, url)
    assert f"{platform.url}/api/{service}/openapi.json" in assets
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        # Under the service's own prefix, so the gateway routes it to the service.
        assert asset.startswith(f"{platform.url}/api/{service}/"), asset
        loaded = httpx.get(asset, timeout=10)
        assert loaded.status_code == 200, asset
        assert loaded.content
        if asset.endswith(".css"):
            for reference in CSS_URL.findall(loaded.text):
                assert reference.startswith(("data:", "#", "/")), reference


def test_the_front_door_links_only_the_platform_and_every_link_answers(
    platform: RunningPlatform,
) -> None:
    response = httpx.get(f"{platform.url}/", timeout=10)
    assert response.status_code == 200
    assert outside_references(response.text, f"{platform.url}/") == []
    links = sorted(set(re.findall(r'href="(/[^"]*)"', response.text)))
    assert "/console" in links
    for link in links:
        if link == "/console":  # the console is served by its own feature
            continue
        answer = httpx.get(f"{platform.url}{link}", timeout=10)
        assert answer.status_code == 200, link
