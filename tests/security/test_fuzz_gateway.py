"""Schemathesis against the gateway's own OpenAPI document (its discovery documents and
``/api/gateway/...``; not ``/oauth/token``, see ``fuzzing.gateway_schema``), on the gateway
itself, per role: the same checks as the services' runs. Its stateful phase is one of
``test_fuzz_stateful.py``'s."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from pdp_kit.auth.tokens import TokenIssuer

from .fuzzing import EXAMPLES, EXCLUDED, ROLES, gateway_schema, headers_for, not_rate_limited

SCHEMA = gateway_schema()


@pytest.mark.parametrize("role", ROLES)
@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_gateways_own_operations_give_no_server_errors_and_no_broken_answers(
    case: Any, gateway_base: str, token_issuer: TokenIssuer, role: str
) -> None:
    case.call_and_validate(
        base_url=gateway_base,
        headers=headers_for(token_issuer, role),
        additional_checks=[not_rate_limited],
        excluded_checks=EXCLUDED,
        timeout=30,
    )
