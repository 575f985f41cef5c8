# syntax=docker/dockerfile:1.7
#
# The one image recipe of the platform: the gateway, the five services and the municipal
# simulator are this file with other build arguments. Build from the repository root (the uv
# workspace); docker-compose.yml passes the arguments for each, and deploy/README.md lists them:
#
#   docker build --build-arg PACKAGE=pdp-catalog --build-arg SOURCE=services/catalog \
#     --build-arg APP=catalog.main:create_app -t pdp/catalog:dev .
#   docker build --build-arg PACKAGE=pdp-gateway --build-arg SOURCE=gateway \
#     --build-arg APP=gateway.main:create_app \
#     --build-arg "UVICORN_ARGS=--no-proxy-headers --http gateway.edge.head_deadline:HeadDeadlineProtocol" \
#     -t pdp/gateway:dev .
#
# PACKAGE: the workspace member to install; SOURCE: its folder; APP: the uvicorn app factory;
# UVICORN_ARGS: the rest of uvicorn's command line (the gateway judges X-Forwarded-For itself,
# so it passes --no-proxy-headers, and bounds each request's head with its own --http protocol
# class; the services, reachable only from the gateway, take the
# caller from it with --proxy-headers).
#
# The same image runs the API and the worker: PDP_ROLE=api|worker|all chooses at run time.
# Nothing secret is baked in: database URL, bootstrap client and signing key come from the
# environment / mounted files at run time.

ARG PACKAGE
ARG SOURCE
ARG APP
ARG UVICORN_ARGS="--proxy-headers --timeout-graceful-shutdown 20"

# --- 1. the workspace's manifests only, so the dependency layer below is rebuilt only when a
#        pyproject.toml or uv.lock changes, not on every source edit
FROM python:3.11-slim AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name pyproject.toml ! -name uv.lock -delete \
 && find . -depth -type d -empty -delete

# --- 2. build the virtual environment: third-party packages, then the workspace member
FROM python:3.11-slim AS builder
ARG PACKAGE
ARG SOURCE
RUN test -n "${PACKAGE}" && test -n "${SOURCE}" \
 || { echo "build with --build-arg PACKAGE=... --build-arg SOURCE=... (see the header)" >&2; exit 1; }
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
COPY --from=manifests /src ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package ${PACKAGE}
COPY libs/ libs/
COPY ${SOURCE}/ ${SOURCE}/
# non-editable: the runtime stage takes the venv alone, without the source tree (the
# wheel carries the Alembic migrations: force-include in the package's pyproject.toml)
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package ${PACKAGE}

# --- 3. runtime: the venv, a non-root user, nothing else
FROM python:3.11-slim AS runtime
ARG APP
ARG UVICORN_ARGS
RUN test -n "${APP}" || { echo "build with --build-arg APP=<module>:<factory>" >&2; exit 1; } \
 && groupadd --system --gid 10001 pdp \
 && useradd --system --uid 10001 --gid pdp --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin pdp
COPY --from=builder --chown=root:root /app /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PDP_ENV=prod \
    PDP_DATA_DIR=/tmp/pdp \
    APP_FACTORY="${APP}" \
    UVICORN_ARGS="${UVICORN_ARGS}"
WORKDIR /app
# numeric uid so Kubernetes' runAsNonRoot can check it
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status != 200)"]
# exec: uvicorn is PID 1 and gets SIGTERM itself
CMD ["/bin/sh", "-c", "exec uvicorn --factory \"$APP_FACTORY\" --host 0.0.0.0 --port 8080 $UVICORN_ARGS"]
