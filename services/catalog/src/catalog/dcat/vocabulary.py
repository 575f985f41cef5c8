"""The catalog's nodes of the DCAT-AP export; the typed EU authority-table concepts and the
recommended properties every platform export shares are in :mod:`pdp_kit.dcat`."""

from typing import Any

from pdp_kit import dcat
from pdp_kit.dcat import (
    ACCESS_RIGHT,
    CONTEXT,
    FREQUENCY,
    JSON_FORMAT,
    LANGUAGE,
    METADATA_LICENCE,
    STABLE,
    THEME,
    THEME_TAXONOMY,
    agent,
    typed,
    when,
    zh,
)

__all__ = [
    "ACCESS_RIGHT",
    "CONTEXT",
    "FREQUENCY",
    "LANGUAGE",
    "METADATA_LICENCE",
    "THEME",
    "THEME_TAXONOMY",
    "agent",
    "contact",
    "distribution",
    "place",
    "typed",
    "when",
    "zh",
]


def place(base: str) -> dict[str, Any]:
    return dcat.place(f"{base}/api/catalog/dcat.jsonld#changning")


def contact(base: str, department: str, name: str) -> dict[str, Any]:
    return dcat.contact(f"{base}/api/catalog/departments/{department}#contact", name)


def distribution(base: str, resource_id: str, description: str) -> dict[str, Any]:
    """How to get the data: a share request through the platform's API (Art. 16–19)."""
    return {
        "@id": f"{base}/api/catalog/resources/{resource_id}#api",
        "@type": "dcat:Distribution",
        "dct:title": zh("数据共享接口"),
        "dct:description": zh(description),
        "dcat:accessURL": {"@id": f"{base}/api/sharing/requests"},
        "dct:format": JSON_FORMAT,
        "dcatap:availability": STABLE,
    }
