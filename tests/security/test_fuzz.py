"""Schemathesis against every service's OpenAPI document through the real gateway (served over
HTTP by uvicorn in front of the five services, ``live.py``), authenticated per role: no server
error, no response that breaks its documented schema, no invalid input accepted. CI-sized by
default; ``make fuzz`` runs the long variant (``PDP_FUZZ_EXAMPLES``).

Each call passes the gateway's edge (path checks, token verification and revocation, the
client's bucket, set high enough that no call is a 429) and its proxy, as a caller's would. The
services' ``/internal/...`` operations are not reachable there (404 by design): the direct run
of ``test_fuzz_internal.py`` fuzzes them. The stateful phase, chaining calls through the
documents' links, is ``test_fuzz_stateful.py``."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from pdp_kit.auth.tokens import TokenIssuer

from .fuzzing import ROLES, SINGLE_CALLS, call_through_gateway, internal, schemas

SCHEMAS = schemas(lambda path: not internal(path))


@pytest.mark.parametrize("role", ROLES)
@schemathesis.pytest.parametrize(**SCHEMAS)
@SINGLE_CALLS
def test_no_server_errors_and_no_broken_answers_through_the_gateway(
    case: Any, gateway_base: str, token_issuer: TokenIssuer, role: str
) -> None:
    call_through_gateway(case, gateway_base, token_issuer, role)
