"""Schemathesis against the gateway's own OpenAPI document (its discovery documents and
``/api/gateway/...``; not ``/oauth/token``, see ``fuzzing.gateway_schema``), on the gateway
itself, per role: the same checks as the services' runs. Its stateful phase is one of
``test_fuzz_stateful.py``'s."""

from __future__ import annotations

from typing import Any

import pytest

from pdp_kit.auth.tokens import TokenIssuer

from .fuzzing import ROLES, SINGLE_CALLS, call_through_gateway, gateway_schema

SCHEMA = gateway_schema()


@pytest.mark.parametrize("role", ROLES)
@SCHEMA.parametrize()
@SINGLE_CALLS
def test_the_gateways_own_operations_give_no_server_errors_and_no_broken_answers(
    case: Any, gateway_base: str, token_issuer: TokenIssuer, role: str
) -> None:
    call_through_gateway(case, gateway_base, token_issuer, role)
