"""The typed nodes of the DCAT-AP export: EU authority-table concepts with the class the DCAT-AP 3
range shapes expect (``dct:RightsStatement``, ``dct:Frequency`` …), and the recommended
properties a harvester uses (contact point, distribution, theme, publisher type, language,
licence, place)."""

from typing import Any

AUTHORITY = "http://publications.europa.eu/resource/authority/"
ACCESS_RIGHT = AUTHORITY + "access-right/"
FREQUENCY = AUTHORITY + "frequency/"
DATA_THEME = AUTHORITY + "data-theme"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "locn": "http://www.w3.org/ns/locn#",
    "dcatap": "http://data.europa.eu/r5r/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "pdp": "urn:pdp:catalog#",
}


def zh(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "zh"}


def typed(iri: str, kind: str) -> dict[str, str]:
    """An IRI of an authority table, typed as the range shapes want it."""
    return {"@id": iri, "@type": kind}


def concept(iri: str, label: str) -> dict[str, Any]:
    return {
        "@id": iri,
        "@type": "skos:Concept",
        "skos:prefLabel": {"@value": label, "@language": "en"},
    }


def when(moment: Any) -> dict[str, str]:
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


#: Public-sector information: the EU data theme of every entry of a district catalogue.
THEME = concept(DATA_THEME + "/GOVE", "Government and public sector")
THEME_TAXONOMY = {
    "@id": DATA_THEME,
    "@type": "skos:ConceptScheme",
    "dct:title": {"@value": "Data theme", "@language": "en"},
}
LANGUAGE = typed(AUTHORITY + "language/ZHO", "dct:LinguisticSystem")
#: The catalogue's metadata is published under CC BY 4.0; the data's own terms are its
#: share and open types (``dct:accessRights``).
METADATA_LICENCE = {
    "@id": AUTHORITY + "licence/CC_BY_4_0",
    "@type": "dct:LicenseDocument",
    "dct:type": concept("http://purl.org/adms/licencetype/Attribution", "Attribution"),
}
LOCAL_AUTHORITY = concept("http://purl.org/adms/publishertype/LocalAuthority", "Local Authority")
JSON_FORMAT = typed(AUTHORITY + "file-type/JSON", "dct:MediaTypeOrExtent")
STABLE = concept(AUTHORITY + "planned-availability/STABLE", "stable")


def place(base: str) -> dict[str, Any]:
    return {
        "@id": f"{base}/api/catalog/dcat.jsonld#changning",
        "@type": "dct:Location",
        "locn:geographicName": zh("上海市长宁区"),
    }


def agent(iri: str, name: str) -> dict[str, Any]:
    return {"@id": iri, "@type": "foaf:Agent", "foaf:name": zh(name), "dct:type": LOCAL_AUTHORITY}


def contact(base: str, department: str, name: str) -> dict[str, Any]:
    return {
        "@id": f"{base}/api/catalog/departments/{department}#contact",
        "@type": ["vcard:Kind", "vcard:Organization"],
        "vcard:fn": zh(name),
    }


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
