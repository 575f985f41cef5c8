"""The OpenAPI document states the constraints the server enforces, so a schema-driven client
(or Schemathesis) never sends a body the schema allows and the server then refuses as malformed,
and such a body is never a 500."""

from typing import Any

import httpx

API = "/api/catalog"


def resolve(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


async def test_the_project_schema_states_the_shape_the_server_enforces(
    client: httpx.AsyncClient, app: Any, seed: Any, as_department: dict[str, str]
) -> None:
    openapi = app.openapi()
    body = openapi["paths"][f"{API}/projects"]["post"]["requestBody"]["content"]
    schema = resolve(openapi, body["application/json"]["schema"])
    properties = schema["properties"]
    assert properties["department"]["pattern"] == properties["code"]["pattern"]
    assert properties["systems"]["items"]["pattern"] == properties["code"]["pattern"]
    assert properties["systems"]["items"]["maxLength"] == 32
    assert "pattern" in properties["name"]

    await seed.department("D001")
    valid = {"department": "D001", "code": "P1", "name": "项目", "systems": ["SY1"]}
    for field, value in (
        ("name", "a\u0000b"),
        ("department", "D\u0000"),
        ("systems", ["S\u0000"]),
        ("systems", ["x" * 40]),
    ):
        response = await client.post(
            f"{API}/projects", json=valid | {field: value}, headers=as_department
        )
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errors"][0]["field"].startswith(field)
    assert (
        await client.post(f"{API}/projects", json=valid, headers=as_department)
    ).status_code == 201
