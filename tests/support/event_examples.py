"""A deterministic example instance of a JSON schema (the subset pydantic emits): the smallest
value that satisfies each keyword, so every event type can be built without hand-written data."""

from __future__ import annotations

from typing import Any


def example(schema: dict[str, Any], root: dict[str, Any], *, required_only: bool = False) -> Any:
    """``required_only`` leaves optional properties out (a request body a caller would send)."""
    if "$ref" in schema:
        return example(_resolve(schema["$ref"], root), root, required_only=required_only)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            options = [s for s in schema[combinator] if s.get("type") != "null"]
            return example((options or schema[combinator])[0], root, required_only=required_only)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example(part, root, required_only=required_only)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return {name: example(sub, root) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        items = schema.get("items", {"type": "string"})
        return [example(items, root) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return max(1, int(schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)))
    if kind == "number":
        return float(max(1, schema.get("minimum", 1)))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "x"  # an unconstrained value (``Any``)


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2026-12-07T08:00:00Z"
    if fmt == "date":
        return "2026-12-07"
    if fmt == "uuid":
        return "5b0f0c4e-3c3a-4b8e-9d43-2f6f4a1d9c11"
    if fmt == "uri":
        return "https://example.org/x"
    if fmt == "email":
        return "a@example.org"
    return "x" * max(1, schema.get("minLength", 1))


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    node: Any = root
    for token in ref.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return dict(node)
