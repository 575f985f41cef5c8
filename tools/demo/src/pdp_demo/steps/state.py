"""What the steps share: the callers and what earlier steps found or made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from pdp_demo.api import Caller


class DemoFailed(Exception):
    """The platform accepted the calls but not the demo's data (a rejected record, …)."""


@dataclass
class Demo:
    http: httpx.Client
    bureau: Caller
    #: department code -> its system's client (made by the gateway step)
    departments: dict[str, Caller] = field(default_factory=dict)
    #: resource code -> the resource as the catalog last returned it
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: resource code -> the records loaded into it
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def department(self, code: str) -> Caller:
        return self.departments[code]
