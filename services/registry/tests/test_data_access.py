"""Operator data access (Art. 27): the operator's own authorisation, an authorised resource, an
assessed scenario, while active and within its term; records read from the catalog's internal
endpoint as the ``pdp-registry`` client; every call a usage record for audit (Art. 34)."""

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from pdp_contracts.registry import AuthorisationDataCalled, AuthorisedResourceWithdrawn
from pdp_contracts.usage import DataUsage
from pdp_kit.internal import InternalClient, ServiceTokens
from registry.calls.catalog_client import CatalogRecords

Registry = Any
RECORDS = [
    {"credit_code": f"9131{n:014d}", "name": f"公司{n}", "legal_person_id": "x"} for n in range(3)
]


class FakeCatalog:
    """The gateway's token endpoint and the catalog's internal records endpoint, in one
    transport: what the registry asks for is kept in ``seen``."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            token = {"access_token": "registry-token", "token_type": "Bearer", "expires_in": 300}
            return httpx.Response(200, json=token)
        self.seen.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"resource_id": "R1", "version": 1, "items": RECORDS})

    def records(self) -> CatalogRecords:
        transport = httpx.MockTransport(self)
        tokens = ServiceTokens(
            token_url="http://gateway.test/oauth/token",
            client_id="pdp-registry",
            client_secret="s" * 32,
            transport=transport,
        )
        return CatalogRecords(
            lambda: InternalClient(
                service="catalog",
                base_url="http://catalog.test",
                tokens=tokens,
                transport=transport,
            )
        )


@pytest.fixture
def catalog(registry: Registry) -> FakeCatalog:
    fake = FakeCatalog()
    registry.app.state.catalog_records = fake.records()
    return fake


@pytest.fixture
async def granted(registry: Registry, catalog: FakeCatalog) -> tuple[str, dict[str, str]]:
    """An authorisation over R1 and R2 whose scenario 企业信用画像 passed its assessment."""
    operator, headers = await registry.operator()
    authorisation = await registry.authorise(operator)
    await registry.assess(authorisation["id"], "企业信用画像")
    return str(authorisation["id"]), headers


def data_path(authorisation: str, resource: str = "R1") -> str:
    return f"/api/registry/authorisations/{authorisation}/resources/{resource}/data"


Call = Callable[..., Any]


@pytest.fixture
def call(registry: Registry, granted: tuple[str, dict[str, str]]) -> Call:
    async def run(
        status: int,
        *,
        scenario: str = "企业信用画像",
        resource: str = "R1",
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        authorisation, operator = granted
        response = await registry.client.get(
            data_path(authorisation, resource),
            params={"scenario": scenario},
            headers=headers or operator,
        )
        assert response.status_code == status, response.text
        if status >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
        return dict(response.json())

    return run


async def usage(outbox: Any) -> list[dict[str, Any]]:
    return [e.data for e in await outbox.events(AuthorisationDataCalled.event_type)]


async def test_the_operator_reads_the_non_sensitive_fields_of_an_authorised_resource(
    registry: Registry, call: Call, catalog: FakeCatalog, granted: Any, outbox: Any
) -> None:
    page = await call(200)

    shown = await registry.get(f"/authorisations/{granted[0]}", granted[1])
    assert shown["last_called_at"] is not None
    assert page["fields"] == ["credit_code", "name"]
    assert [set(item) for item in page["items"]] == [{"credit_code", "name"}] * 3
    [request] = catalog.seen
    assert request.url.path == "/api/catalog/internal/resources/R1/records"
    assert request.url.params["fields"] == "credit_code,name"
    assert request.headers["authorization"] == "Bearer registry-token"
    [record] = await usage(outbox)
    assert issubclass(AuthorisationDataCalled, DataUsage)  # audit keeps it as a usage record
    assert (record["basis"], record["basis_id"]) == ("authorisation", granted[0])
    assert (record["result"], record["record_count"]) == ("ok", 3)
    assert (record["provider"], record["purpose"]) == ("D001", "企业信用画像")
    assert record["operator"] is not None and record["department"] is None


async def test_an_unassessed_or_failed_scenario_is_refused_and_recorded(
    registry: Registry, call: Call, granted: Any, catalog: FakeCatalog, outbox: Any
) -> None:
    problem = await call(409, scenario="普惠金融")
    assert problem["type"].endswith("scenario-not-assessed")
    await registry.assess(granted[0], "普惠金融", "fail")
    await call(409, scenario="普惠金融")

    assert catalog.seen == []
    assert [r["result"] for r in await usage(outbox)] == ["refused", "refused"]
    await call(400, scenario="精准营销")  # not a scenario of the authorisation


async def test_a_resource_outside_the_authorisation_is_not_found(call: Call) -> None:
    await call(404, resource="R3")


async def test_another_operator_a_department_and_a_public_client_read_nothing(
    registry: Registry,
    call: Call,
    as_public: dict[str, str],
    as_department: dict[str, str],
    catalog: FakeCatalog,
    outbox: Any,
) -> None:
    _, other = await registry.operator("另一家运营公司")
    await call(404, headers=other)
    await call(403, headers=as_public)
    await call(403, headers=as_department)
    await call(403, headers=registry.bureau)
    assert catalog.seen == [] and await usage(outbox) == []


async def test_after_a_failed_evaluation_the_next_call_is_409(
    registry: Registry, call: Call, granted: Any, outbox: Any
) -> None:
    await call(200)
    verdict = {"result": "fail", "reason": "评估不合格"}
    await registry.post(f"/authorisations/{granted[0]}/evaluations", registry.bureau, verdict)

    problem = await call(409)
    assert problem["type"].endswith("authorisation-state") and "revoked" in problem["detail"]
    assert [r["result"] for r in await usage(outbox)] == ["ok", "refused"]


async def test_after_expiry_the_next_call_is_409_before_the_sweep_runs(
    call: Call, today: Any
) -> None:
    await call(200)
    today(date(2027, 6, 1))
    problem = await call(409)
    assert "expired" in problem["detail"]


async def test_before_its_term_starts_an_authorisation_gives_no_data(
    registry: Registry, catalog: FakeCatalog
) -> None:
    operator, headers = await registry.operator()
    later = await registry.authorise(operator, valid_from="2026-07-01")
    await registry.assess(later["id"], "企业信用画像")
    response = await registry.client.get(
        data_path(later["id"]), params={"scenario": "企业信用画像"}, headers=headers
    )
    assert response.status_code == 409


async def test_a_withdrawn_resource_is_read_no_more(
    registry: Registry, call: Call, granted: Any, outbox: Any
) -> None:
    await registry.deliver(registry.withdrawn("R1"), registry.withdrawn("R1"))
    [event] = await outbox.events(AuthorisedResourceWithdrawn.event_type)
    assert (event.subject, event.data["resource_id"]) == (granted[0], "R1")
    problem = await call(409)
    assert problem["type"].endswith("resource-withdrawn")
    await call(200, resource="R2")


async def test_catalog_unreachable_is_503_and_the_usage_record_says_failed(
    call: Call, catalog: FakeCatalog, outbox: Any
) -> None:
    catalog.down = True
    await call(503)
    [record] = await usage(outbox)
    assert (record["result"], record["record_count"]) == ("failed", 0)


async def test_a_resource_of_sensitive_fields_only_gives_nothing_outside_the_environment(
    registry: Registry, call: Call, catalog: FakeCatalog
) -> None:
    sensitive = [{"name": "resident_id", "title": "身份证号", "type": "string", "sensitive": True}]
    await registry.deliver(registry.published("R2", version=2, fields=sensitive))
    problem = await call(409, resource="R2")
    assert problem["type"].endswith("no-releasable-fields")
    assert catalog.seen == []
