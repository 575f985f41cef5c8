"""The DCAT-AP export passes the DCAT-AP 3.0.1 SHACL shapes (mandatory, recommended and range),
validated offline with pySHACL against the vendored shapes in ``tests/standards``."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyshacl import validate
from rdflib import Graph, Namespace

API = "/api/catalog"
SHAPES = Path(__file__).parent / "standards" / "dcat-ap-3.0.1"
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
#: Recommended properties the platform does not know, and so leaves out rather than invents: the
#: time a dataset covers, the district's bounding box and centroid, and a data licence (the data's
#: terms are its share and open types, in dct:accessRights; the metadata's licence is given).
UNKNOWN = {DCT.temporal, DCAT.bbox, DCAT.centroid, DCT.license}


def shapes() -> Graph:
    graph = Graph()
    for name in ("shapes.ttl", "shapes_recommended.ttl", "range.ttl"):
        graph.parse(SHAPES / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def dcat_ap_shapes() -> Graph:
    return shapes()


async def test_the_dcat_export_conforms_to_the_dcat_ap_3_shapes(
    client: httpx.AsyncClient, seed: Any, as_public: dict[str, str], dcat_ap_shapes: Graph
) -> None:
    await seed.department("D001", "区市场监管局")
    await seed.published("D001", "R1", open_type="unconditional", share_type="unconditional")
    await seed.published("D001", "R2", share_type="not_shared", share_basis="《统计法》第二十五条")
    response = await client.get(f"{API}/dcat.jsonld", headers=as_public)
    data = Graph().parse(data=json.dumps(response.json()), format="json-ld")
    conforms, results, report = validate(
        data, shacl_graph=dcat_ap_shapes, inference="none", allow_warnings=True
    )
    assert conforms, report
    violations = set(results.subjects(SH.resultSeverity, SH.Violation))
    assert violations == set(), report
    missing = {
        results.value(result, SH.resultPath)
        for result in results.subjects(SH.resultSeverity, SH.Warning)
    }
    assert missing <= UNKNOWN, report
    document = response.json()
    assert document["dct:license"]["@id"].endswith("/licence/CC_BY_4_0")
    assert {"dct:language", "dct:issued", "dct:modified", "dcat:themeTaxonomy"} <= set(document)
    entry = document["dcat:dataset"][0]
    assert entry["dct:publisher"]["dct:type"]["@id"].endswith("/LocalAuthority")
    assert entry["dcat:distribution"]["dcat:accessURL"]["@id"].endswith("/api/sharing/requests")


async def test_the_export_points_at_the_configured_public_url_and_hydra_next_can_be_followed(
    client: httpx.AsyncClient, app: Any, seed: Any, as_public: dict[str, str]
) -> None:
    base = str(client.base_url).rstrip("/")
    app.state.settings = app.state.settings.model_copy(update={"public_base_url": base})
    await seed.department("D001")
    for code in ("R1", "R2"):
        await seed.published("D001", code)
    first = (await client.get(f"{API}/dcat.jsonld", params={"limit": 1}, headers=as_public)).json()
    assert first["dcat:dataset"][0]["@id"].startswith(f"{base}/api/catalog/resources/")
    following = await client.get(first["hydra:view"]["hydra:next"]["@id"], headers=as_public)
    assert following.status_code == 200
    assert len(following.json()["dcat:dataset"]) == 1
