"""DCAT-AP 3 JSON-LD building blocks shared by the platform's exports (the catalog's catalogue,
opening's open list): EU authority-table concepts typed as the DCAT-AP range shapes expect them
(``dct:RightsStatement``, ``dct:Frequency`` …), and the recommended properties a harvester uses.
No business rules: what a service's entries mean stays in that service."""

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
#: The platform's update frequencies on the EU frequency table.
FREQUENCIES = {
    "realtime": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "yearly": "ANNUAL",
    "static": "NEVER",
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


def frequency(update_frequency: str) -> dict[str, str]:
    return typed(FREQUENCY + FREQUENCIES[update_frequency], "dct:Frequency")


#: Public-sector information: the EU data theme of every entry of a district catalogue.
THEME = concept(DATA_THEME + "/GOVE", "Government and public sector")
THEME_TAXONOMY = {
    "@id": DATA_THEME,
    "@type": "skos:ConceptScheme",
    "dct:title": {"@value": "Data theme", "@language": "en"},
}
LANGUAGE = typed(AUTHORITY + "language/ZHO", "dct:LinguisticSystem")
#: The metadata is published under CC BY 4.0; the data's own terms are in ``dct:accessRights``.
METADATA_LICENCE = {
    "@id": AUTHORITY + "licence/CC_BY_4_0",
    "@type": "dct:LicenseDocument",
    "dct:type": concept("http://purl.org/adms/licencetype/Attribution", "Attribution"),
}
LOCAL_AUTHORITY = concept("http://purl.org/adms/publishertype/LocalAuthority", "Local Authority")
JSON_FORMAT = typed(AUTHORITY + "file-type/JSON", "dct:MediaTypeOrExtent")
CSV_FORMAT = typed(AUTHORITY + "file-type/CSV", "dct:MediaTypeOrExtent")
STABLE = concept(AUTHORITY + "planned-availability/STABLE", "stable")


def place(iri: str) -> dict[str, Any]:
    return {"@id": iri, "@type": "dct:Location", "locn:geographicName": zh("上海市长宁区")}


def agent(iri: str, name: str) -> dict[str, Any]:
    return {"@id": iri, "@type": "foaf:Agent", "foaf:name": zh(name), "dct:type": LOCAL_AUTHORITY}


def contact(iri: str, name: str) -> dict[str, Any]:
    return {"@id": iri, "@type": ["vcard:Kind", "vcard:Organization"], "vcard:fn": zh(name)}
