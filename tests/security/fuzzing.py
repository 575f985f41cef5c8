"""What the schemathesis runs share: the documents as fuzzed, the roles, the checks left out."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from copy import deepcopy as copy_of
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import allow_header_conformance, positive_data_acceptance
from service_apps import SERVICES, openapi_of

from gateway.main import create_app as create_gateway
from gateway.settings import GatewaySettings
from pdp_kit.auth.principal import Role
from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.testing.plugin import Auth

#: Cases per operation and role (stateless), scenarios per service and role (stateful).
EXAMPLES = int(os.environ.get("PDP_FUZZ_EXAMPLES", "4"))
#: A department (D001), the bureau, and an outside client with no business role.
ROLES = ("department", "bureau", "public")

#: Checks left out, each for a reason:
#: - ``allow_header_conformance``: a known gap (issue #14 report): a 405 lists in ``Allow`` only
#:   the methods of the first route that matched the path (Starlette routing), not all of them.
#: - ``positive_data_acceptance``: schema-valid input is rightly refused by rules no JSON schema
#:   states (USCC checksums, references to objects that must exist, cross-field rules, the
#:   attestation of Art. 17); this run asserts the other direction, invalid input refused.
EXCLUDED = [allow_header_conformance, positive_data_acceptance]
#: The single-call runs' Hypothesis settings (the stateful run has its own).
SINGLE_CALLS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def internal(path: str) -> bool:
    """A service's ``/internal/...`` operation: called by other services on the service's own
    URL; the gateway answers 404 for it (tests/security/test_fuzz_internal.py fuzzes it)."""
    return path.split("/")[3:4] == ["internal"]


def fuzzable(document: dict[str, Any], keep: Callable[[str], bool]) -> dict[str, Any]:
    """The document's paths that ``keep`` keeps, without ``cursor`` parameters: a cursor is an
    opaque token the server issued (a made-up one is rightly a 400), which no schema can
    describe. Without the security requirements too: the test sends each role's token itself,
    so a case that leaves the Authorization header out would be sent with it anyway (the token
    attacks test that part)."""
    copy = copy_of(document)
    copy.get("components", {}).pop("securitySchemes", None)
    copy["paths"] = {path: item for path, item in copy["paths"].items() if keep(path)}
    for operations in copy["paths"].values():
        for operation in operations.values():
            operation.pop("security", None)
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p.get("name") != "cursor"
            ]
    return copy


def schemas(
    keep: Callable[[str], bool], config: SchemathesisConfig | None = None
) -> dict[str, Any]:
    """Each service's fuzzable document, keyed by service name (those with a path to keep)."""
    documents = {name: fuzzable(openapi_of(name), keep) for name in SERVICES}
    return {
        name: schemathesis.openapi.from_dict(document, config=config)
        for name, document in documents.items()
        if document["paths"]
    }


@functools.cache
def gateway_document() -> dict[str, Any]:
    app = create_gateway(
        GatewaySettings(env="test", role="api", jwks='{"keys": []}', log_json=False)
    )
    return app.openapi()


def gateway_schema(config: SchemathesisConfig | None = None) -> Any:
    """The gateway's own document without ``/oauth/token``: it checks client secrets under a
    rate limit of its own (a few per second per client and address, 429 beyond), and
    test_token_attacks.py and gateway/tests/test_oauth.py attack it with intent."""
    document = fuzzable(gateway_document(), lambda path: path != "/oauth/token")
    return schemathesis.openapi.from_dict(document, config=config)


def headers_for(issuer: TokenIssuer, role: str) -> dict[str, str]:
    auth = Auth(issuer)
    if role == Role.DEPARTMENT:
        return auth.department("D001")
    if role == Role.SERVICE:
        return auth.headers(Role.SERVICE, client_id="pdp-sharing")
    return auth.headers(role)


def call_through_gateway(case: Any, gateway_base: str, issuer: TokenIssuer, role: str) -> None:
    """Send ``case`` through the gateway as ``role`` and run every check but those left out."""
    case.call_and_validate(
        base_url=gateway_base,
        headers=headers_for(issuer, role),
        additional_checks=[not_rate_limited],
        excluded_checks=EXCLUDED,
        timeout=30,
    )


def not_rate_limited(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 429 says nothing of the service behind the gateway: it would pass for a refused invalid
    input and hide a server error. The gateway under test is configured so none is sent."""
    if response.status_code == 429:
        raise AssertionError(f"rate-limited at the gateway: {case.method} {case.path}")
    return None
