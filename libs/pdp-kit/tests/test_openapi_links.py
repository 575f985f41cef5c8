"""Every app's OpenAPI document links each creating operation to the operations that take what it
created, derived from the routes (pdp_kit.openapi_links)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from demo_service.app import DemoSettings
from fastapi import APIRouter
from pydantic import BaseModel

from pdp_kit.openapi_links import add_links
from pdp_kit.service import ServiceDefinition, create_service_app


class Shop(BaseModel):
    code: str
    name: str


class Order(BaseModel):
    id: str
    shop: str


class Note(BaseModel):
    id: str


class Tally(BaseModel):
    count: int


router = APIRouter()


@router.post("/shops", status_code=201)
async def create_shop() -> Shop: ...


@router.get("/shops/{code}")
async def get_shop(code: str) -> Shop: ...


@router.post("/shops/{shop}/orders", status_code=201)
async def place_order(shop: str) -> Order: ...


@router.get("/shops/{shop}/orders/{order_id}")
async def get_order(shop: str, order_id: str) -> Order: ...


@router.post("/shops/{shop}/orders/{order_id}/cancel")
async def cancel_order(shop: str, order_id: str) -> Order: ...


@router.post("/shops/{shop}/orders/{order_id}/notes", status_code=201)
async def add_note(shop: str, order_id: str) -> Note: ...


@router.put("/notes/{note_id}")
async def edit_note(note_id: str) -> Note: ...


@router.post("/tallies", status_code=201)
async def count_something() -> Tally: ...


@router.get("/tallies/{tally_id}")
async def get_tally(tally_id: str) -> Tally: ...


@router.post("/shops/{shop}/close")
async def close_shop(shop: str) -> Shop: ...


def document() -> dict[str, Any]:
    definition = ServiceDefinition(
        name="shop",
        title="shop",
        settings_class=DemoSettings,
        migrations_dir=Path(__file__).parent / "demo_service" / "migrations",
        routers=(router,),
    )
    app = create_service_app(definition, DemoSettings(env="test", role="api", jwks='{"keys":[]}'))
    return app.openapi()


def links_of(doc: dict[str, Any], path: str) -> dict[str, dict[str, str]]:
    links = doc["paths"][f"/api/shop{path}"]["post"]["responses"]["201"].get("links", {})
    return {name: link["parameters"] for name, link in links.items()}


def operation_id(doc: dict[str, Any], method: str, path: str) -> str:
    return str(doc["paths"][f"/api/shop{path}"][method]["operationId"])


def test_a_created_object_links_to_every_operation_under_its_item_path_by_its_key() -> None:
    doc = document()
    links = links_of(doc, "/shops")
    # The item path names the key (``{code}``): nested routes that call it ``{shop}`` get it too.
    assert links[operation_id(doc, "get", "/shops/{code}")] == {"path.code": "$response.body#/code"}
    assert links[operation_id(doc, "post", "/shops/{shop}/orders")] == {
        "path.shop": "$response.body#/code"
    }
    assert links[operation_id(doc, "post", "/shops/{shop}/close")] == {
        "path.shop": "$response.body#/code"
    }
    # An order's id is another object's: left to the caller, never the shop's code.
    assert links[operation_id(doc, "get", "/shops/{shop}/orders/{order_id}")] == {
        "path.shop": "$response.body#/code"
    }


def test_a_nested_creation_links_by_id_and_carries_its_own_path_parameters() -> None:
    doc = document()
    links = links_of(doc, "/shops/{shop}/orders")
    expected = {"path.order_id": "$response.body#/id", "path.shop": "$request.path.shop"}
    assert links == {
        operation_id(doc, "get", "/shops/{shop}/orders/{order_id}"): expected,
        operation_id(doc, "post", "/shops/{shop}/orders/{order_id}/cancel"): expected,
        operation_id(doc, "post", "/shops/{shop}/orders/{order_id}/notes"): expected,
    }


def test_a_collection_with_its_own_top_level_path_links_there() -> None:
    doc = document()
    links = links_of(doc, "/shops/{shop}/orders/{order_id}/notes")
    assert links == {
        operation_id(doc, "put", "/notes/{note_id}"): {"path.note_id": "$response.body#/id"}
    }


def test_an_object_without_id_or_key_links_nowhere_and_actions_link_nothing() -> None:
    doc = document()
    assert links_of(doc, "/tallies") == {}
    assert "links" not in doc["paths"]["/api/shop/shops/{shop}/close"]["post"]["responses"]["200"]


def test_every_link_names_an_operation_of_the_document() -> None:
    doc = document()
    ids = {op["operationId"] for ops in doc["paths"].values() for op in ops.values()}
    for operations in doc["paths"].values():
        for operation in operations.values():
            for response in operation["responses"].values():
                for name, link in response.get("links", {}).items():
                    assert link["operationId"] == name
                    assert name in ids


def test_links_already_there_are_kept() -> None:
    doc = document()
    get_shop_id = operation_id(doc, "get", "/shops/{code}")
    hand_written = {"operationId": get_shop_id, "parameters": {"path.code": "$response.body#/name"}}
    doc["paths"]["/api/shop/shops"]["post"]["responses"]["201"]["links"] = {
        get_shop_id: hand_written
    }
    add_links(doc, "/api/shop")
    assert links_of(doc, "/shops")[get_shop_id] == {"path.code": "$response.body#/name"}
