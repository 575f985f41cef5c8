"""Regression tests for what schemathesis found (issue #14): input the OpenAPI documents call
invalid was accepted, or the documents did not say what the services enforce."""

from __future__ import annotations

import httpx
import pytest
from service_apps import SERVICES, openapi_of

from pdp_kit.testing.plugin import Auth

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize("service", list(SERVICES))
async def test_a_sweep_date_given_as_a_number_is_refused(
    services: dict[str, httpx.AsyncClient], auth: Auth, service: str
) -> None:
    """``as_of=0`` was read as a Unix timestamp: every sweep ran as of 1970-01-01."""
    bureau = auth.headers("bureau")
    refused = await services[service].post(f"/api/{service}/admin/sweep?as_of=0", headers=bureau)
    assert refused.status_code == 422, refused.text
    accepted = await services[service].post(
        f"/api/{service}/admin/sweep?as_of=2026-12-01", headers=bureau
    )
    assert accepted.status_code == 200, accepted.text


@pytest.mark.parametrize("path", ["/api/audit/events", "/api/audit/usage-records"])
async def test_an_audit_period_given_as_a_number_is_refused(
    services: dict[str, httpx.AsyncClient], auth: Auth, path: str
) -> None:
    bureau = auth.headers("bureau")
    refused = await services["audit"].get(path, params={"to": "0.5"}, headers=bureau)
    assert refused.status_code == 422, refused.text
    accepted = await services["audit"].get(
        path, params={"to": "2026-12-01T00:00:00Z"}, headers=bureau
    )
    assert accepted.status_code == 200, accepted.text


async def test_a_hold_starting_at_a_number_is_refused(
    services: dict[str, httpx.AsyncClient], auth: Auth
) -> None:
    response = await services["audit"].post(
        "/api/audit/holds",
        json={"scope": "usage", "from": 0, "to": "2026-12-01T00:00:00Z", "reason": "督查"},
        headers=auth.headers("bureau"),
    )
    assert response.status_code == 422, response.text


async def test_an_unknown_authorisation_status_is_refused(
    services: dict[str, httpx.AsyncClient], auth: Auth
) -> None:
    response = await services["registry"].get(
        "/api/registry/authorisations",
        params={"status": "whatever"},
        headers=auth.headers("bureau"),
    )
    assert response.status_code == 422, response.text


async def test_a_scorecard_period_that_is_no_month_is_refused_and_documented(
    services: dict[str, httpx.AsyncClient], auth: Auth
) -> None:
    response = await services["audit"].get(
        "/api/audit/scorecards", params={"period": "2026-13"}, headers=auth.headers("bureau")
    )
    assert response.status_code == 422
    (period,) = [
        p
        for p in openapi_of("audit")["paths"]["/api/audit/scorecards"]["get"]["parameters"]
        if p["name"] == "period"
    ]
    assert "pattern" in period["schema"]


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_page_size_maximum_is_in_the_documents(service: str) -> None:
    """CONTRACT: ``limit`` max 500, more is a 400; the documents now say so."""
    limits = [
        parameter["schema"]
        for operations in openapi_of(service)["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "limit"
    ]
    assert limits
    assert all(schema.get("maximum") == 500 for schema in limits)


async def test_a_page_size_over_the_maximum_is_still_the_contracts_400(
    services: dict[str, httpx.AsyncClient], auth: Auth
) -> None:
    response = await services["catalog"].get(
        "/api/catalog/resources", params={"limit": 501}, headers=auth.headers("bureau")
    )
    assert response.status_code == 400


async def test_putting_to_the_working_days_calculator_is_a_405_not_a_bad_year(
    services: dict[str, httpx.AsyncClient], auth: Auth
) -> None:
    """``PUT /calendar/{year}`` took ``working-days`` for a year and answered 422."""
    response = await services["catalog"].put(
        "/api/catalog/calendar/working-days?from=2026-12-01&add=1", headers=auth.headers("bureau")
    )
    assert response.status_code == 405
