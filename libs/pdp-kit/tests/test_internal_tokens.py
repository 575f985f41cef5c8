"""A service takes its own token from the gateway and reuses it until shortly before expiry."""

import base64

import httpx
import pytest

from pdp_kit.errors import Unavailable
from pdp_kit.internal import ServiceTokens


def token_endpoint(
    issued: list[str], *, expires_in: int = 3600, status: int = 200
) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        user, _, secret = (
            base64.b64decode(request.headers["authorization"].split()[1]).decode().partition(":")
        )
        assert (user, secret) == ("pdp-sharing", "s" * 32)
        assert b"grant_type=client_credentials" in request.content
        if status != 200:
            return httpx.Response(status, json={"error": "invalid_client"})
        issued.append(f"token-{len(issued)}")
        return httpx.Response(
            200, json={"access_token": issued[-1], "token_type": "Bearer", "expires_in": expires_in}
        )

    return httpx.MockTransport(answer)


def tokens(transport: httpx.MockTransport) -> ServiceTokens:
    return ServiceTokens(
        token_url="http://gateway.test/oauth/token",
        client_id="pdp-sharing",
        client_secret="s" * 32,
        transport=transport,
    )


async def test_one_token_serves_many_calls() -> None:
    issued: list[str] = []
    source = tokens(token_endpoint(issued))
    assert await source.headers() == {"Authorization": "Bearer token-0"}
    assert await source.token() == "token-0"
    assert issued == ["token-0"]


async def test_a_token_about_to_expire_is_renewed() -> None:
    issued: list[str] = []
    source = tokens(token_endpoint(issued, expires_in=30))
    await source.token()
    await source.token()
    assert issued == ["token-0", "token-1"]


async def test_a_refused_client_is_unavailable_not_a_crash() -> None:
    source = tokens(token_endpoint([], status=401))
    with pytest.raises(Unavailable):
        await source.token()


async def test_an_internal_call_goes_straight_to_the_service_with_a_fresh_token_after_a_401(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from demo_service.app import DemoSettings

    from pdp_kit.internal import InternalClient

    monkeypatch.setenv("PDP_ENV", "test")
    monkeypatch.setenv("PDP_CATALOG_URL", "http://catalog.internal:8080")
    seen: list[tuple[str, str]] = []
    issued: list[str] = []
    gateway = token_endpoint(issued)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return gateway.handle_request(request)
        seen.append((str(request.url), request.headers["authorization"]))
        # The first token was revoked (the secret rotated): 401 once.
        return httpx.Response(401 if len(seen) == 1 else 200, json={"ok": True})

    settings = DemoSettings(internal_client_secret="s" * 32)
    source = tokens(httpx.MockTransport(answer))
    client = InternalClient.from_settings(
        settings, "catalog", tokens=source, transport=httpx.MockTransport(answer)
    )
    response = await client.get("/resources/r1/records", params={"limit": 5})
    assert response.status_code == 200
    assert seen == [
        (
            "http://catalog.internal:8080/api/catalog/internal/resources/r1/records?limit=5",
            "Bearer token-0",
        ),
        (
            "http://catalog.internal:8080/api/catalog/internal/resources/r1/records?limit=5",
            "Bearer token-1",
        ),
    ]
    await client.aclose()
