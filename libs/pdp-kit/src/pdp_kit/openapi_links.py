"""OpenAPI links from each operation that creates an object to the operations that take it.

A client (and schemathesis's stateful phase) learns from a link that the ``id`` a ``201`` answers
with is what ``GET /resources/{resource_id}`` and ``POST /resources/{resource_id}/submit`` take.
Every app built by :func:`pdp_kit.service.create_service_app` gets them, derived from its routes,
so no service lists them by hand:

- a creator is a ``POST`` on a collection path (its last segment is not a parameter) whose ``201``
  answers an object;
- it links to every operation under ``<collection path>/{param}``, and to every operation under
  ``<prefix>/<collection>/{param}`` when the collection also has its own top-level path
  (``POST /resources/{resource_id}/objections`` creates what ``/objections/{objection_id}`` takes);
- ``{param}`` is the created object's property of that name when it has one (a department's
  ``code``, a version's ``version``), else its ``id``; other parameters of the target are the
  creator's own path parameters of the same name (``$request.path.department``); anything else
  (a duty's ``{code}`` under a department just created) names another object and is left to
  the caller.

Links are added, never changed: a response that already names a link keeps it.
"""

from __future__ import annotations

import re
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch")
_PARAMETER = re.compile(r"^\{([^}]+)\}$")


def _parameter(segment: str) -> str | None:
    match = _PARAMETER.match(segment)
    return match.group(1) if match else None


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def _path_parameters(path: str) -> list[str]:
    return [name for segment in _segments(path) if (name := _parameter(segment)) is not None]


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """The top-level property names of an object schema, following one ``$ref`` into
    ``#/components/schemas``."""
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
        schema = (
            document.get("components", {}).get("schemas", {}).get(reference.rsplit("/", 1)[1], {})
        )
    properties = schema.get("properties")
    return set(properties) if isinstance(properties, dict) else set()


def _created(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    created = operation.get("responses", {}).get("201", {})
    schema = created.get("content", {}).get("application/json", {}).get("schema", {})
    return _properties(document, schema)


def _under(path: str, base: list[str]) -> str | None:
    """The parameter right after ``base`` when ``path`` lies under ``<base>/{param}``."""
    segments = _segments(path)
    if len(segments) <= len(base) or segments[: len(base)] != base:
        return None
    return _parameter(segments[len(base)])


def _bases(creator: str, prefix: str) -> list[list[str]]:
    """Where the created objects live: under the collection path, and under the collection's
    top-level path when that is another path."""
    collection = _segments(creator)
    top = [*_segments(prefix), collection[-1]]
    return [collection] if top == collection else [collection, top]


def _key(paths: dict[str, Any], base: list[str], properties: set[str]) -> str | None:
    """The created object's property that fills ``{param}`` right under ``base``."""
    names = {name for path in paths if (name := _under(path, base)) is not None}
    for name in sorted(names):
        if name in properties:
            return name
    return "id" if "id" in properties else None


def add_links(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Add the links to ``document`` (in place) and return it; ``prefix`` is the app's
    ``/api/<name>``. Operations without an ``operationId`` are neither linked from nor to."""
    paths: dict[str, Any] = document.get("paths", {})
    for creator, operations in paths.items():
        post = operations.get("post")
        if post is None or _parameter(_segments(creator)[-1]) is not None:
            continue
        properties = _created(document, post)
        if not properties:
            continue
        own = set(_path_parameters(creator))
        links: dict[str, Any] = {}
        for base in _bases(creator, prefix):
            key = _key(paths, base, properties)
            if key is None:
                continue
            for target, target_operations in paths.items():
                item = _under(target, base)
                if item is None:
                    continue
                parameters = {f"path.{item}": f"$response.body#/{key}"}
                for name in _path_parameters(target):
                    if name == item:
                        continue
                    if name in own:
                        parameters[f"path.{name}"] = f"$request.path.{name}"
                for method in METHODS:
                    operation_id = target_operations.get(method, {}).get("operationId")
                    if operation_id is not None:
                        links[operation_id] = {
                            "operationId": operation_id,
                            "parameters": parameters,
                        }
        if links:
            existing = post["responses"]["201"].setdefault("links", {})
            for name, link in links.items():
                existing.setdefault(name, link)
    return document
