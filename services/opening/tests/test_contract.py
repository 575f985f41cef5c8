"""The ``/api/opening`` paths and fields of CONTRACT.md are fixed: the OpenAPI document still
offers every one of them (services may add, never rename)."""

from typing import Any

import httpx

CONTRACT: dict[tuple[str, str], set[str]] = {
    ("post", "/api/opening/listings"): {
        "resource_id",
        "open_type",
        "conditions",
        "desensitisation",
        "update_frequency",
    },
    ("get", "/api/opening/listings"): set(),
    ("post", "/api/opening/applications"): {"listing_id", "applicant", "scenario", "materials"},
    ("post", "/api/opening/applications/{application_id}/screen"): {"complete", "missing"},
    ("post", "/api/opening/applications/{application_id}/approve"): set(),
    ("post", "/api/opening/applications/{application_id}/reject"): {"reason"},
    ("get", "/api/opening/listings/{listing_id}/data"): set(),
    ("post", "/api/opening/listings/{listing_id}/static"): set(),
    ("post", "/api/opening/listings/{listing_id}/feedback"): set(),
}


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return dict(document["components"]["schemas"][name])
    for option in schema.get("anyOf", []):
        if "$ref" in option:
            return _schema(document, option)
    return schema


async def test_every_contract_path_and_field_is_offered(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/opening/openapi.json")
    assert response.status_code == 200, response.text
    document = response.json()
    for (method, path), fields in CONTRACT.items():
        operation = document["paths"][path][method]
        if not fields:
            continue
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert fields <= set(_schema(document, body)["properties"]), (method, path)
    applicant = document["components"]["schemas"]["Applicant"]["properties"]
    assert {"kind", "name", "credit_code", "client_id"} <= set(applicant)
    kinds = document["components"]["schemas"]["ApplicantKind"]["enum"]
    assert set(kinds) == {"person", "legal_person", "organisation"}
