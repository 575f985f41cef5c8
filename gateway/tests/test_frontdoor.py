"""``GET /``: a person who opens the printed address finds the way in, with no outside host."""

import re

import httpx

from pdp_kit.testing.pages import outside_references

SERVICES = ("catalog", "sharing", "opening", "registry", "audit", "gateway")


async def test_the_front_door_is_a_chinese_page_without_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.text
    assert "长宁区公共数据平台" in response.text


async def test_the_front_door_links_console_docs_metadata_and_readiness(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/")).text
    links = set(re.findall(r'href="([^"]+)"', page))
    assert "/console" in links
    assert "/.well-known/oauth-authorization-server" in links
    assert "/readyz" in links
    for service in SERVICES:
        assert f"/api/{service}/docs" in links
        assert f"/api/{service}/redoc" in links


async def test_the_front_door_names_no_other_host(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert outside_references(response.text, str(client.base_url)) == []
    assert outside_references(response.text, "http://elsewhere.example/")


async def test_the_gateway_links_it_serves_itself_answer(client: httpx.AsyncClient) -> None:
    for link in ("/.well-known/oauth-authorization-server", "/api/gateway/docs", "/readyz"):
        response = await client.get(link)
        assert response.status_code in (200, 503), link


async def test_the_front_door_escapes_the_address_it_was_reached_at(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/", headers={"host": 'evil"><script>x</script>'})
    assert "<script>x</script>" not in response.text
