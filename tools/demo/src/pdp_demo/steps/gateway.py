"""Gateway: each department's system gets its own OAuth client (role ``department``), created by
the bureau through ``POST /api/gateway/clients``. A secret is shown only once, so a client that
is already there gets a new one (``rotate-secret``): the set of clients stays the same."""

from __future__ import annotations

from pdp_demo.api import Caller
from pdp_demo.district import DEPARTMENTS
from pdp_demo.steps.state import Demo


def client_name(department_name: str) -> str:
    return f"{department_name}数据系统（示范）"


def client(
    demo: Demo, name: str, roles: list[str], department: str | None = None
) -> tuple[Caller, bool]:
    """The client of that name (and department), created or with a new secret; ``True`` when it
    was created."""
    for existing in demo.bureau.items("/api/gateway/clients"):
        if (existing["name"], existing.get("department")) == (name, department) and not (
            existing.get("disabled")
        ):
            credentials = demo.bureau.post(
                f"/api/gateway/clients/{existing['client_id']}/rotate-secret"
            )
            return Caller(demo.http, credentials["client_id"], credentials["client_secret"]), False
    body = {"name": name, "roles": roles, **({"department": department} if department else {})}
    credentials = demo.bureau.post("/api/gateway/clients", body)
    return Caller(demo.http, credentials["client_id"], credentials["client_secret"]), True


def department_clients(demo: Demo) -> str:
    created = 0
    for department in DEPARTMENTS:
        name = client_name(department.name)
        caller, new = client(demo, name, ["department"], department.code)
        created += new
        demo.departments[department.code] = caller
    return f"{len(DEPARTMENTS)} 个客户端（新建 {created}，其余轮换密钥）"
