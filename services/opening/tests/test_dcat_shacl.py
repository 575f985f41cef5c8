"""The open list as DCAT-AP JSON-LD passes the DCAT-AP 3.0.1 SHACL shapes (mandatory,
recommended and range), validated offline with pySHACL against the shapes the catalog vendors
(``services/catalog/tests/standards``)."""

import json
from pathlib import Path
from typing import Any

import pytest
from opening_flow import COMPANY_FIELDS, Opening, published
from pyshacl import validate
from rdflib import Graph, Namespace

SHAPES = Path(__file__).parents[2] / "catalog" / "tests" / "standards" / "dcat-ap-3.0.1"
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
#: Recommended properties the platform does not know, and so leaves out rather than invents.
UNKNOWN = {DCT.temporal, DCAT.bbox, DCAT.centroid, DCT.license}


@pytest.fixture(scope="module")
def dcat_ap_shapes() -> Graph:
    graph = Graph()
    for name in ("shapes.ttl", "shapes_recommended.ttl", "range.ttl"):
        graph.parse(SHAPES / name, format="turtle")
    return graph


async def test_the_open_list_conforms_to_dcat_ap_3_with_conditions_as_odrl(
    opening: Opening, dcat_ap_shapes: Graph
) -> None:
    conditional = await opening.listing()
    await opening.deliver(
        published(
            "R2", open_type="unconditional", share_type="unconditional", fields=COMPANY_FIELDS
        )
    )
    await opening.listing("R2", open_type="unconditional", conditions=None, desensitisation={})
    response = await opening.client.get("/api/opening/dcat.jsonld", headers=opening.stranger)
    assert response.headers["content-type"].startswith("application/ld+json")
    document: dict[str, Any] = response.json()
    data = Graph().parse(data=json.dumps(document), format="json-ld")
    conforms, results, report = validate(
        data, shacl_graph=dcat_ap_shapes, inference="none", allow_warnings=True
    )
    assert conforms, report
    missing = {
        results.value(result, SH.resultPath)
        for result in results.subjects(SH.resultSeverity, SH.Warning)
    }
    assert missing <= UNKNOWN, report
    entries = {entry["dct:identifier"]: entry for entry in document["dcat:dataset"]}
    restricted = entries[conditional["id"]]
    assert restricted["dct:accessRights"]["@id"].endswith("/access-right/RESTRICTED")
    policy = restricted["dcat:distribution"][0]["odrl:hasPolicy"]
    assert "odrl:Offer" in policy["@type"]
    assert policy["odrl:prohibition"][0]["odrl:constraint"]["odrl:rightOperand"]["@value"] == (
        "精准营销"
    )
    public = next(e for key, e in entries.items() if key != conditional["id"])
    assert public["dct:accessRights"]["@id"].endswith("/access-right/PUBLIC")
    assert "odrl:hasPolicy" not in public["dcat:distribution"][0]
