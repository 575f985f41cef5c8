"""Gateway: each department's system gets its own OAuth client (role ``department``), created by
the bureau through ``POST /api/gateway/clients``. A secret is shown only once, so a client that
is already there gets a new one (``rotate-secret``): the set of clients stays the same."""

from __future__ import annotations

from pdp_demo.api import Caller
from pdp_demo.district import DEPARTMENTS
from pdp_demo.steps.state import Demo


def client_name(department_name: str) -> str:
    return f"{department_name}数据系统（示范）"


def department_clients(demo: Demo) -> str:
    existing = {
        (client["department"], client["name"]): client
        for client in demo.bureau.items("/api/gateway/clients")
        if client.get("department") and not client.get("disabled")
    }
    created = 0
    for department in DEPARTMENTS:
        name = client_name(department.name)
        found = existing.get((department.code, name))
        if found is None:
            credentials = demo.bureau.post(
                "/api/gateway/clients",
                {"name": name, "roles": ["department"], "department": department.code},
            )
            created += 1
        else:
            credentials = demo.bureau.post(
                f"/api/gateway/clients/{found['client_id']}/rotate-secret"
            )
        demo.departments[department.code] = Caller(
            demo.http, credentials["client_id"], credentials["client_secret"]
        )
    return f"{len(DEPARTMENTS)} 个客户端（新建 {created}，其余轮换密钥）"
