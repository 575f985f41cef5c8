"""``pdp-demo`` (``make demo``): run the steps, one progress line each."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

import httpx

from pdp_demo.api import ApiError, Caller, PlatformUnreachable, open_gateway
from pdp_demo.steps import STEPS, Demo
from pdp_demo.steps.state import DemoFailed
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET

DEFAULT_GATEWAY = "http://127.0.0.1:8000"


def run(gateway_url: str, client_id: str, secret: str, say: Callable[[str], None] = print) -> Demo:
    """Load the demo district; raises :class:`PlatformUnreachable`, :class:`ApiError` or
    :class:`DemoFailed`."""
    http = open_gateway(gateway_url)
    demo = Demo(http=http, bureau=Caller(http, client_id, secret))
    say(f"载入示范长宁区 → {gateway_url}")
    try:
        for number, step in enumerate(STEPS, start=1):
            started = time.monotonic()
            summary = step.run(demo)
            elapsed = time.monotonic() - started
            say(f"[{number}/{len(STEPS)}] {step.title}：{summary}（{elapsed:.1f} 秒）")
    finally:
        http.close()
    say(f"完成。前门 {gateway_url.rstrip('/')}/ ，控制台 {gateway_url.rstrip('/')}/console")
    return demo


def main() -> None:
    url = os.environ.get("PDP_GATEWAY_URL") or DEFAULT_GATEWAY
    client_id = os.environ.get("PDP_BOOTSTRAP_ADMIN_ID") or DEV_ADMIN_ID
    secret = os.environ.get("PDP_BOOTSTRAP_ADMIN_SECRET") or DEV_ADMIN_SECRET
    try:
        run(url, client_id, secret, say=lambda line: print(line, flush=True))
    except PlatformUnreachable:
        sys.exit(
            f"无法连接平台 {url}：平台没有运行。请先在另一个终端执行 make run "
            "（或用 PDP_GATEWAY_URL 指向正在运行的网关）。"
        )
    except ApiError as exc:
        hint = ""
        if exc.status == 401:
            hint = "（检查 PDP_BOOTSTRAP_ADMIN_ID / PDP_BOOTSTRAP_ADMIN_SECRET）"
        sys.exit(f"平台拒绝了示范数据的请求{hint}：{exc}")
    except DemoFailed as exc:
        sys.exit(f"示范数据未能完整载入：{exc}")
    except httpx.HTTPError as exc:
        sys.exit(
            f"与平台通信失败（{type(exc).__name__}）：{exc}；再运行一次 make demo 会从中断处继续。"
        )


if __name__ == "__main__":
    main()
