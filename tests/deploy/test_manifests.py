"""Offline checks of the deployment files: Dockerfiles, docker-compose.yml and deploy/k8s.

Nothing here needs a Docker engine or a cluster. The compose file is checked against the
compose specification (check-jsonschema), Kubernetes objects against the Kubernetes OpenAPI
schemas that kubernetes-validate ships (strict: an unknown field fails), and the overlays are
rendered with `kubectl kustomize` when kubectl is installed (it builds locally, no cluster).
"""

from __future__ import annotations

import base64
import copy
import json
import re
import secrets
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
TEMPLATE = K8S / "base" / "app"

SERVICES = ("catalog", "sharing", "opening", "registry", "audit")
APPS = ("gateway", *SERVICES)
TOPICS = (
    {f"pdp.{app}.events" for app in APPS}
    | {f"pdp.{app}.dlq" for app in APPS}  # the gateway consumes chain requests too
    | {"pdp.gateway.netlog"}
)
# the oldest Kubernetes release the manifests are meant for
KUBERNETES_VERSION = "1.34.0"
# custom resources: validated by their operators, not by kubernetes-validate
OPERATOR_KINDS = {
    ("kafka.strimzi.io/v1beta2", "Kafka"),
    ("kafka.strimzi.io/v1beta2", "KafkaNodePool"),
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"),
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
    ("external-secrets.io/v1", "ExternalSecret"),
}
#: Custom resources checked here against vendored schemas (tests/deploy/schemas): the
#: Prometheus Operator's, which deploy/observability/k8s uses.
CRD_SCHEMAS = json.loads(
    (Path(__file__).parent / "schemas" / "monitoring.coreos.com-v1.json").read_text()
)
OBSERVABILITY = DEPLOY / "observability"
OVERLAYS = ("dev", "prod")
APP_PORT = 8080


def source_dir(app: str) -> Path:
    return ROOT / "gateway" if app == "gateway" else ROOT / "services" / app


def load_yaml_documents(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


# --------------------------------------------------------------------------- secrets


PLACEHOLDER = re.compile(r"dev-only|placeholder|change-me|not-a-secret|example", re.IGNORECASE)
SECRET_NAME = re.compile(
    r"(?:^|_)(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|SIGNING_?KEY|CREDENTIALS?)$",
    re.IGNORECASE,
)
URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")
INTERPOLATED = re.compile(r"\$\{[^}]+\}|\$\([^)]+\)")


def looks_like_real_secret(name: str, value: object) -> bool:
    """A value a reviewer would have to ask about: key material, a token, or a credential
    that is neither an obvious placeholder nor filled in from the environment at run time."""
    text = "" if value is None else str(value)
    if "PRIVATE KEY-----" in text or re.search(r"\beyJ[\w-]+\.[\w-]+\.", text):
        return True
    if match := URL_PASSWORD.search(text):
        password = match.group(1)
        if not (PLACEHOLDER.search(password) or INTERPOLATED.fullmatch(password)):
            return True
    if SECRET_NAME.search(name) and not name.endswith("_FILE") and text:
        return not (PLACEHOLDER.search(text) or INTERPOLATED.fullmatch(text))
    return False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PDP_BOOTSTRAP_ADMIN_SECRET", secrets.token_urlsafe(24)),
        ("POSTGRES_PASSWORD", "Tr0ub4dor&3"),
        ("PDP_DATABASE_URL", f"postgresql+asyncpg://pdp:{secrets.token_hex(12)}@postgres:5432/pdp"),
        ("PDP_GATEWAY_SIGNING_KEY", "-----BEGIN PRIVATE KEY-----\nMIIE..."),
        ("AUTHORIZATION", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"),
    ],
    # named, not by value: random values would give each xdist worker other test ids
    ids=["random-secret", "password", "database-url", "signing-key", "bearer-token"],
)
def test_secret_check_flags_real_looking_values(name: str, value: str) -> None:
    assert looks_like_real_secret(name, value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PDP_BOOTSTRAP_ADMIN_SECRET", "dev-only-change-me"),
        ("PDP_DATABASE_URL", "postgresql+asyncpg://pdp:dev-only-postgres-password@postgres/pdp"),
        ("PDP_DATABASE_URL", "postgresql+asyncpg://pdp:$(DATABASE_PASSWORD)@db:5432/pdp"),
        ("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD}"),
        ("PDP_GATEWAY_SIGNING_KEY_FILE", "/run/secrets/gateway_signing_key"),
        ("PDP_KAFKA_BOOTSTRAP", "kafka:9092"),
    ],
)
def test_secret_check_lets_placeholders_and_references_through(name: str, value: str) -> None:
    assert not looks_like_real_secret(name, value)


# --------------------------------------------------------------------------- Dockerfile

DOCKERFILE = ROOT / "Dockerfile"
#: Every image compose builds: the six apps and the municipal simulator.
IMAGES = (*APPS, "municipal-sim")


def image_source(image: str) -> Path:
    return ROOT / "tools" / "municipal-sim" if image == "municipal-sim" else source_dir(image)


def test_one_dockerfile_at_the_root_builds_every_image() -> None:
    assert DOCKERFILE.is_file()
    left = sorted(
        path.relative_to(ROOT).as_posix()
        for path in ROOT.glob("**/Dockerfile")
        if ".venv" not in path.parts and path != DOCKERFILE
    )
    assert left == [], "one recipe: build arguments, not copies"


def test_dockerfile_is_multi_stage_slim_uv_non_root_and_secret_free() -> None:
    text = DOCKERFILE.read_text()
    bases = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
    assert len(bases) >= 2, "multi-stage"
    assert set(bases) == {"python:3.11-slim"}
    assert re.search(r"^COPY --from=ghcr\.io/astral-sh/uv:[\d.]+ ", text, flags=re.MULTILINE)
    assert "uv sync --frozen --no-dev --no-install-workspace --package ${PACKAGE}" in text
    assert "uv sync --frozen --no-dev --no-editable --package ${PACKAGE}" in text
    assert "COPY ${SOURCE}/ ${SOURCE}/" in text
    users = re.findall(r"^USER (\S+)", text, flags=re.MULTILINE)
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in {"0", "root"}
    assert users[-1].split(":")[0].isdigit(), "numeric uid, so runAsNonRoot can verify it"
    healthcheck = text[text.index("HEALTHCHECK") :].split("\nCMD")[0]
    assert f"127.0.0.1:{APP_PORT}/healthz" in healthcheck
    for name in re.findall(r"\b([A-Z][A-Z0-9_]*)=", text):
        assert not SECRET_NAME.search(name), f"secret-like setting baked into the image: {name}"
    assert not re.search(r"^(?:COPY|ADD) .*\.(?:pem|key|env)\b", text, flags=re.MULTILINE)
    cmd = json.loads(text[text.rindex("\nCMD ") + 5 :].splitlines()[0])
    assert cmd[:2] == ["/bin/sh", "-c"]
    assert cmd[2].startswith('exec uvicorn --factory "$APP_FACTORY" ')
    assert f"--host 0.0.0.0 --port {APP_PORT} $UVICORN_ARGS" in cmd[2]
    assert 'APP_FACTORY="${APP}"' in text and 'UVICORN_ARGS="${UVICORN_ARGS}"' in text


def build_of(compose: dict[str, Any], service: str) -> dict[str, Any]:
    build: dict[str, Any] = compose["services"][service]["build"]
    return build


@pytest.mark.parametrize("image", IMAGES)
def test_compose_builds_each_image_from_the_root_dockerfile_with_its_own_package(
    compose: dict[str, Any], image: str
) -> None:
    build = build_of(compose, image)
    assert (build["context"], build["dockerfile"]) == (".", "Dockerfile")
    args = build["args"]
    project = tomllib.loads((image_source(image) / "pyproject.toml").read_text())
    package = project["project"]["name"]
    module = Path(project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"][0]).name
    assert args["PACKAGE"] == package
    assert args["SOURCE"] == image_source(image).relative_to(ROOT).as_posix()
    factory_module, _, factory = args["APP"].partition(":")
    assert factory_module.split(".")[0] == module
    assert (
        factory
        in (image_source(image) / "src" / Path(*factory_module.split(".")))
        .with_suffix(".py")
        .read_text()
    )
    # The gateway judges X-Forwarded-For itself (PDP_GATEWAY_TRUSTED_PROXIES); the services,
    # reachable only from the gateway, let uvicorn take the caller from it (the default).
    uvicorn = args.get("UVICORN_ARGS", "--proxy-headers")
    if image == "gateway":
        assert "--no-proxy-headers" in uvicorn
        # slowloris callers are cut off at the request head's deadline
        assert "--http gateway.edge.head_deadline:HeadDeadlineProtocol" in uvicorn
    elif image in SERVICES:
        assert "UVICORN_ARGS" not in args
        default = re.search(r'^ARG UVICORN_ARGS="([^"]*)"', DOCKERFILE.read_text(), re.MULTILINE)
        assert default is not None and "--proxy-headers" in default.group(1).split()


def test_dockerignore_keeps_local_state_and_key_material_out_of_the_context() -> None:
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", "**/.venv", ".pdp", "**/.env", "**/*.pem", "**/*.key"} <= patterns


@pytest.mark.parametrize("app", APPS)
def test_every_apps_wheel_carries_its_migrations(app: str) -> None:
    # the image installs the package non-editable, so pdp_kit.migrations.locate finds the
    # Alembic scripts only inside the wheel
    project = tomllib.loads((source_dir(app) / "pyproject.toml").read_text())
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel.get("force-include", {}).get("migrations") == f"{app}/migrations"
    assert (source_dir(app) / "migrations" / "env.py").is_file()


# --------------------------------------------------------------------------- docker-compose.yml


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return spec


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    env: dict[str, str] = {}
    for entry in service.get("env_file", []):
        path = ROOT / (entry["path"] if isinstance(entry, dict) else entry)
        for line in path.read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                env[key.strip()] = value.strip()
    declared = service.get("environment", {})
    if isinstance(declared, list):
        declared = dict(item.partition("=")[::2] for item in declared)
    env.update({key: "" if value is None else str(value) for key, value in declared.items()})
    return env


def test_compose_file_matches_the_compose_specification() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE_FILE),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("app", APPS)
def test_every_app_runs_in_compose_as_api_and_worker_of_one_image(
    compose: dict[str, Any], app: str
) -> None:
    services = compose["services"]
    api, worker = services[app], services[f"{app}-worker"]
    for part, role in ((api, "api"), (worker, "worker")):
        assert part["build"] == api["build"]
        assert part["image"] == api["image"]
        env = compose_environment(part)
        assert env["PDP_ROLE"] == role
        assert env["PDP_KAFKA_BOOTSTRAP"] == "kafka:9092"
        assert env["PDP_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["PDP_JWKS_URL"] == f"http://gateway:{APP_PORT}/.well-known/jwks.json"


def test_compose_gateway_routes_to_every_service(compose: dict[str, Any]) -> None:
    for part in ("gateway", "gateway-worker"):
        env = compose_environment(compose["services"][part])
        upstreams = {k: v for k, v in env.items() if k.startswith("PDP_GATEWAY_UPSTREAM_")}
        assert upstreams == {
            f"PDP_GATEWAY_UPSTREAM_{service.upper()}": f"http://{service}:{APP_PORT}"
            for service in SERVICES
        }
        key_file = env["PDP_GATEWAY_SIGNING_KEY_FILE"]
        assert any(
            key_file == f"/run/secrets/{name}" for name in compose["services"][part]["secrets"]
        )


# distroless images: no shell or HTTP client in them to run a healthcheck with
NO_HEALTHCHECK = {"otel-collector", "jaeger"}


def test_compose_services_have_healthchecks_and_wait_on_conditions(compose: dict[str, Any]) -> None:
    services = compose["services"]
    one_shot = {name for name, svc in services.items() if svc.get("restart") == "no"}
    for name, service in services.items():
        if name not in one_shot | NO_HEALTHCHECK:
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on without conditions"
        for target, rule in depends_on.items():
            assert target in services, f"{name} depends on unknown {target}"
            condition = rule["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s health"
            elif condition == "service_completed_successfully":
                assert target in one_shot
            else:
                assert condition == "service_started", f"{name} -> {target}: {condition}"
                assert target in NO_HEALTHCHECK, f"{name} should wait for {target}'s health"
    for app in APPS:
        for part in (app, f"{app}-worker"):
            assert "/healthz" in " ".join(services[part]["healthcheck"]["test"])
            assert services[part]["depends_on"]["postgres"]["condition"] == "service_healthy"
            assert services[part]["depends_on"]["kafka-topics"]["condition"] == (
                "service_completed_successfully"
            )


def test_no_compose_container_runs_as_root(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        user = str(service.get("user", "")).split(":")[0]
        assert user, f"{name} does not name its user"
        assert user not in {"0", "root"}, f"{name} runs as root"
    for app in APPS:
        for part in (app, f"{app}-worker"):
            assert compose["services"][part]["read_only"] is True


def test_compose_bootstrap_client_is_the_default_production_refuses(
    compose: dict[str, Any],
) -> None:
    from pdp_kit.settings import DEV_ADMIN_SECRET

    env = compose_environment(compose["services"]["gateway"])
    assert env["PDP_BOOTSTRAP_ADMIN_SECRET"] == DEV_ADMIN_SECRET


def test_no_compose_value_looks_like_a_real_secret(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key, value in compose_environment(service).items():
            assert not looks_like_real_secret(key, value), f"{name}: {key} looks like a real secret"
    for name, secret in compose.get("secrets", {}).items():
        # key material is read from a git-ignored file written by deploy/dev-keys.sh
        path = (ROOT / secret["file"]).resolve()
        assert path.relative_to(DEPLOY).as_posix() in (DEPLOY / "dev-keys.sh").read_text(), name
        assert "*" in (path.parent / ".gitignore").read_text().splitlines()


def test_files_mounted_or_read_by_compose_exist(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in compose["volumes"], f"{name} uses undeclared volume {source}"
        compose_environment(service)  # reads every env_file; a missing one raises


def test_compose_postgres_creates_every_apps_database(compose: dict[str, Any]) -> None:
    init = next(
        ROOT / volume.split(":")[0]
        for volume in compose["services"]["postgres"]["volumes"]
        if "docker-entrypoint-initdb.d" in volume
    )
    created = set(re.findall(r"CREATE DATABASE (\w+)", init.read_text()))
    assert created == {f"pdp_{app}" for app in APPS}


def compose_topics() -> set[str]:
    script = (DEPLOY / "compose" / "kafka" / "create-topics.sh").read_text()
    return set(re.findall(r"^create (pdp\.[a-z]+\.[a-z]+) ", script, flags=re.MULTILINE))


def test_compose_creates_every_topic(compose: dict[str, Any]) -> None:
    assert compose_topics() == TOPICS
    assert compose["services"]["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_prometheus_scrapes_every_api_and_worker() -> None:
    config = yaml.safe_load((DEPLOY / "compose" / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    }
    for app in APPS:
        assert {f"{app}:{APP_PORT}", f"{app}-worker:{APP_PORT}"} <= targets


# --------------------------------------------------------------------------- Kubernetes sources


def kustomizations() -> list[Path]:
    """Every kustomization the overlays build on: deploy/k8s and deploy/observability."""
    return sorted([*K8S.rglob("kustomization.yaml"), OBSERVABILITY / "kustomization.yaml"])


def kustomization_files(kustomization: Path) -> tuple[list[Path], list[Path]]:
    """(resource files, other files: patches and generator inputs) named by a kustomization."""
    spec = yaml.safe_load(kustomization.read_text())
    here = kustomization.parent
    resources, others = [], []
    for entry in spec.get("resources", []) + spec.get("components", []):
        path = here / entry
        assert "://" not in entry, f"{kustomization}: remote resource {entry}"
        if path.is_dir():
            assert (path / "kustomization.yaml").is_file(), f"{kustomization}: {entry}"
        else:
            resources.append(path)
    for patch in spec.get("patches", []) + spec.get("patchesStrategicMerge", []):
        if isinstance(patch, str):
            others.append(here / patch)
        elif "path" in patch:
            others.append(here / patch["path"])
        else:
            assert patch.get("patch"), f"{kustomization}: empty patch"
    for generator in spec.get("configMapGenerator", []) + spec.get("secretGenerator", []):
        for entry in generator.get("files", []) + generator.get("envs", []):
            others.append(here / entry.split("=", 1)[-1])
    return resources, others


def resource_documents() -> list[tuple[Path, dict[str, Any]]]:
    return [
        (path, doc)
        for kustomization in kustomizations()
        for path in kustomization_files(kustomization)[0]
        for doc in load_yaml_documents(path)
    ]


def test_every_k8s_yaml_file_parses_into_objects() -> None:
    files = sorted(K8S.rglob("*.yaml")) + sorted(K8S.rglob("*.yml"))
    assert files
    for path in files:
        for doc in load_yaml_documents(path):
            assert isinstance(doc, dict), path
            assert doc.get("apiVersion"), path
            assert doc.get("kind"), path


def test_every_path_a_kustomization_names_exists() -> None:
    assert kustomizations()
    dev_keys = (DEPLOY / "dev-keys.sh").read_text()
    for kustomization in kustomizations():
        resources, others = kustomization_files(kustomization)
        for path in resources:
            assert path.is_file(), f"{kustomization.relative_to(ROOT)} names missing {path}"
        for path in others:
            if not path.is_file():
                # key material written by deploy/dev-keys.sh, git-ignored, never committed
                assert path.relative_to(DEPLOY).as_posix() in dev_keys, f"missing {path}"
                assert "*" in (path.parent / ".gitignore").read_text().splitlines()


def test_no_kustomize_secret_literal_looks_real() -> None:
    from pdp_kit.settings import DEV_ADMIN_SECRET

    for kustomization in kustomizations():
        spec = yaml.safe_load(kustomization.read_text())
        for generator in spec.get("secretGenerator", []):
            for literal in generator.get("literals", []):
                key, _, value = literal.partition("=")
                where = f"{kustomization.relative_to(ROOT)}: {generator['name']}.{key}"
                assert not looks_like_real_secret(key.upper(), value), where
                if key == "secret":
                    assert value == DEV_ADMIN_SECRET, f"{where}: not the default prod refuses"


def kubernetes_problems(doc: dict[str, Any]) -> str | None:
    """None if the object is valid; custom resources only need an identity here."""
    if (doc.get("apiVersion"), doc.get("kind")) in OPERATOR_KINDS:
        return None if doc.get("metadata", {}).get("name") else "custom resource without a name"
    if doc.get("apiVersion") == "monitoring.coreos.com/v1":
        schema = CRD_SCHEMAS["kinds"].get(doc.get("kind"))
        if schema is None:
            return f"no vendored schema for monitoring.coreos.com/v1 {doc.get('kind')}"
        validator = jsonschema.Draft202012Validator({**schema, "$defs": CRD_SCHEMAS["$defs"]})
        error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
        return None if error is None else f"{'.'.join(map(str, error.path))}: {error.message}"
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return f"{'.'.join(map(str, error.path))}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError as error:
        return str(error.message)
    return None


def test_builtin_resources_match_the_kubernetes_schema() -> None:
    documents = resource_documents()
    assert len(documents) > 20
    for path, doc in documents:
        problem = kubernetes_problems(doc)
        assert problem is None, f"{path.relative_to(ROOT)} {doc['kind']}: {problem}"


def test_schema_check_rejects_a_misspelt_field_and_an_unknown_kind() -> None:
    deployment = next(doc for _, doc in resource_documents() if doc["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    container = broken["spec"]["template"]["spec"]["containers"][0]
    container["readinessprobe"] = container.pop("readinessProbe")
    assert kubernetes_problems(broken)
    assert kubernetes_problems({**deployment, "kind": "Deployement"})


def container_env(deployment: dict[str, Any]) -> dict[str, Any]:
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    return {entry["name"]: entry.get("value", entry.get("valueFrom")) for entry in container["env"]}


def deployment_problems(doc: dict[str, Any]) -> list[str]:
    """What the platform asks of every Deployment: probes, resources, non-root read-only."""
    name = doc["metadata"]["name"]
    pod = doc["spec"]["template"]["spec"]
    pod_context = pod.get("securityContext", {})
    problems = []
    for container in pod.get("initContainers", []) + pod["containers"]:
        where = f"{name}/{container['name']}"
        context = container.get("securityContext", {})
        if context.get("runAsNonRoot", pod_context.get("runAsNonRoot")) is not True:
            problems.append(f"{where}: runAsNonRoot is not true")
        if context.get("runAsUser", pod_context.get("runAsUser")) in (None, 0):
            problems.append(f"{where}: no non-zero runAsUser")
        if context.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: privilege escalation allowed")
        if context.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}: writable root filesystem")
        if "ALL" not in context.get("capabilities", {}).get("drop", []):
            problems.append(f"{where}: capabilities not dropped")
        resources = container.get("resources", {})
        for key in ("requests.cpu", "requests.memory", "limits.memory"):
            section, resource = key.split(".")
            if resource not in resources.get(section, {}):
                problems.append(f"{where}: no {key}")
    app = pod["containers"][0]
    ports = {port.get("name"): port["containerPort"] for port in app.get("ports", [])}
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        action = app.get(probe, {}).get("httpGet", {})
        if action.get("path") != path:
            problems.append(f"{name}: {probe} is not GET {path}")
        if ports.get(action.get("port"), action.get("port")) != APP_PORT:
            problems.append(f"{name}: {probe} is not on port {APP_PORT}")
    return problems


def template_documents() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (doc["kind"], doc["metadata"]["name"]): doc
        for path in kustomization_files(TEMPLATE / "kustomization.yaml")[0]
        for doc in load_yaml_documents(path)
    }


def test_template_deployments_meet_the_platform_rules() -> None:
    template = template_documents()
    for part in ("api", "worker"):
        deployment = template[("Deployment", part)]
        assert deployment_problems(deployment) == []
        assert container_env(deployment)["PDP_ROLE"] == part


def test_deployment_check_catches_a_broken_probe_and_a_root_container() -> None:
    deployment = template_documents()[("Deployment", "api")]
    broken = copy.deepcopy(deployment)
    container = broken["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"]["httpGet"]["path"] = "/healthz"
    assert deployment_problems(broken) == ["api: readinessProbe is not GET /readyz"]
    rooted = copy.deepcopy(deployment)
    rooted["spec"]["template"]["spec"]["securityContext"]["runAsUser"] = 0
    assert deployment_problems(rooted) == ["api/app: no non-zero runAsUser"]


def test_template_has_the_api_and_worker_objects() -> None:
    assert set(template_documents()) == {
        ("ServiceAccount", "app"),
        ("Deployment", "api"),
        ("Deployment", "worker"),
        ("Service", "api"),
        ("PodDisruptionBudget", "api"),
        ("PodDisruptionBudget", "worker"),
        ("HorizontalPodAutoscaler", "api"),
    }


@pytest.mark.parametrize("app", APPS)
def test_every_app_is_the_template_under_its_own_name(app: str) -> None:
    base = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())
    assert f"services/{app}" in base["resources"]
    spec = yaml.safe_load((K8S / "base" / "services" / app / "kustomization.yaml").read_text())
    assert spec["resources"] == ["../../app"]
    assert spec["namePrefix"] == f"{app}-"
    assert {
        "pairs": {"app.kubernetes.io/name": app},
        "includeSelectors": True,
        "includeTemplates": True,
    } in spec["labels"]
    assert spec["images"] == [{"name": "pdp-service", "newName": f"pdp/{app}"}]


def test_k8s_service_folders_are_exactly_the_platforms_apps() -> None:
    folders = {path.name for path in (K8S / "base" / "services").iterdir() if path.is_dir()}
    assert folders == set(APPS)


def test_services_accept_traffic_only_from_the_gateway() -> None:
    policies = {
        doc["metadata"]["name"]: doc["spec"]
        for _, doc in resource_documents()
        if doc["kind"] == "NetworkPolicy"
    }
    policy = policies["services-from-gateway-only"]
    [expression] = policy["podSelector"]["matchExpressions"]
    assert expression == {
        "key": "app.kubernetes.io/name",
        "operator": "In",
        "values": list(SERVICES),
    }
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/component": "api"}
    [rule] = policy["ingress"]
    pod_peers = [peer for peer in rule["from"] if "podSelector" in peer]
    assert pod_peers == [
        {
            "podSelector": {
                "matchLabels": {
                    "app.kubernetes.io/name": "gateway",
                    "app.kubernetes.io/component": "api",
                }
            }
        }
    ]
    for peer in rule["from"]:
        if "namespaceSelector" in peer:  # Prometheus, for /metrics
            assert peer["namespaceSelector"] == {
                "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}
            }
    assert rule["ports"] == [{"port": APP_PORT, "protocol": "TCP"}]


def test_kafka_topics_are_the_platforms_and_match_compose() -> None:
    topics = {
        doc["metadata"]["name"]: doc
        for _, doc in resource_documents()
        if doc["kind"] == "KafkaTopic"
    }
    assert set(topics) == TOPICS == compose_topics()
    for topic in topics.values():
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "pdp"
    kafka = next(doc for _, doc in resource_documents() if doc["kind"] == "Kafka")
    assert kafka["metadata"]["annotations"]["strimzi.io/kraft"] == "enabled"
    assert kafka["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False


def test_postgres_cluster_has_a_database_per_app() -> None:
    databases = [doc["spec"] for _, doc in resource_documents() if doc["kind"] == "Database"]
    assert sorted(db["name"] for db in databases) == sorted(f"pdp_{app}" for app in APPS)
    assert {db["cluster"]["name"] for db in databases} == {"pdp-postgres"}


# --------------------------------------------------------------------------- settings


def settings_the_code_reads() -> set[str]:
    from gateway.settings import GatewaySettings

    names = set()
    for field_name, field in GatewaySettings.model_fields.items():
        if isinstance(field.validation_alias, str):
            names.add(field.validation_alias)
        else:
            names |= {f"PDP_{field_name.upper()}", f"PDP_GATEWAY_{field_name.upper()}"}
    from catalog.settings import CatalogSettings

    names |= {f"PDP_CATALOG_{field_name.upper()}" for field_name in CatalogSettings.model_fields}
    return names


def k8s_settings() -> set[str]:
    names = set()
    for kustomization in kustomizations():
        spec = yaml.safe_load(kustomization.read_text())
        for generator in spec.get("configMapGenerator", []):
            names |= {literal.split("=", 1)[0] for literal in generator.get("literals", [])}
    for path in (
        TEMPLATE / "deployment-api.yaml",
        TEMPLATE / "deployment-worker.yaml",
        K8S / "base" / "services" / "gateway" / "gateway-env.yaml",
    ):
        for doc in load_yaml_documents(path):
            for container in doc["spec"]["template"]["spec"]["containers"]:
                names |= {entry["name"] for entry in container.get("env", [])}
    return names


def test_deployment_sets_only_settings_the_code_reads(compose: dict[str, Any]) -> None:
    known = settings_the_code_reads()
    assert {"PDP_ROLE", "PDP_GATEWAY_SIGNING_KEY_FILE", "PDP_BOOTSTRAP_ADMIN_SECRET"} <= known
    used = set(k8s_settings())
    for app in APPS:
        for part in (app, f"{app}-worker"):
            used |= set(compose_environment(compose["services"][part]))
    unknown = {name for name in used if name.startswith("PDP_")} - known
    assert not unknown, f"set in the deployment but read by no settings class: {unknown}"


# --------------------------------------------------------------------------- rendered overlays

KUBECTL = shutil.which("kubectl")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Every overlay built by `kubectl kustomize` (local, no cluster), on a copy of deploy/k8s
    with a stand-in for the git-ignored dev signing key."""
    if KUBECTL is None:
        pytest.skip("kubectl is not installed: overlays not rendered")
    copy_root = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, copy_root)
    shutil.copytree(OBSERVABILITY, copy_root.parent / OBSERVABILITY.name)  # base includes it
    (copy_root / "overlays" / "dev" / "secrets" / "signing-key.pem").write_text("stand-in\n")
    output = {}
    for overlay in OVERLAYS:
        result = subprocess.run(
            [KUBECTL, "kustomize", str(copy_root / "overlays" / overlay)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        output[overlay] = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    return output


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_overlay_is_valid_kubernetes(rendered: dict[str, Any], overlay: str) -> None:
    for doc in rendered[overlay]:
        problem = kubernetes_problems(doc)
        assert problem is None, f"{overlay} {doc['kind']}/{doc['metadata']['name']}: {problem}"
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "pdp"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_overlay_runs_every_app_as_api_and_worker(
    rendered: dict[str, Any], overlay: str
) -> None:
    docs = rendered[overlay]
    deployments = by_kind(docs, "Deployment")
    services = by_kind(docs, "Service")
    autoscalers = by_kind(docs, "HorizontalPodAutoscaler")
    budgets = by_kind(docs, "PodDisruptionBudget")
    assert set(deployments) == {f"{app}-{part}" for app in APPS for part in ("api", "worker")}
    for name, deployment in deployments.items():
        assert deployment_problems(deployment) == [], overlay
        app, part = name.rsplit("-", 1)
        assert container_env(deployment)["PDP_ROLE"] == part
        image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        assert re.search(rf"/?pdp/{app}:[\w.-]+$", image), image
        assert name in budgets
    for app in APPS:
        selector = services[f"{app}-api"]["spec"]["selector"]
        selected = [
            name
            for name, deployment in deployments.items()
            if selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert selected == [f"{app}-api"], f"Service {app}-api selects {selected}"
        assert autoscalers[f"{app}-api"]["spec"]["scaleTargetRef"]["name"] == f"{app}-api"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_references_resolve(rendered: dict[str, Any], overlay: str) -> None:
    docs = rendered[overlay]
    config_maps = by_kind(docs, "ConfigMap")
    secret_names = set(by_kind(docs, "Secret"))
    secret_names |= {
        doc["spec"]["target"]["name"] for doc in by_kind(docs, "ExternalSecret").values()
    }
    # CloudNativePG writes <cluster>-app with the owner's credentials
    secret_names |= {f"{name}-app" for name in by_kind(docs, "Cluster")}
    services = by_kind(docs, "Service")
    for name, deployment in by_kind(docs, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        for source in container.get("envFrom", []):
            assert source["configMapRef"]["name"] in config_maps, name
        for entry in container.get("env", []):
            ref = entry.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["name"] in secret_names, f"{name}: Secret {ref['name']} is never made"
        for volume in pod.get("volumes", []):
            if "secret" in volume:
                assert volume["secret"]["secretName"] in secret_names, name
        assert pod["serviceAccountName"] in by_kind(docs, "ServiceAccount")
    env = container_env(by_kind(docs, "Deployment")["gateway-api"])
    for service in SERVICES:
        upstream = env[f"PDP_GATEWAY_UPSTREAM_{service.upper()}"]
        assert upstream == f"http://{service}-api:{APP_PORT}"
        assert f"{service}-api" in services
    [config] = [doc for name, doc in config_maps.items() if name.startswith("pdp-config")]
    assert config["data"]["PDP_ENV"] == overlay
    assert config["data"]["PDP_JWKS_URL"] == f"http://gateway-api:{APP_PORT}/.well-known/jwks.json"
    assert "gateway-api" in services


def test_rendered_overlays_differ_in_size(rendered: dict[str, Any]) -> None:
    def replicas(overlay: str) -> tuple[int, int, int]:
        docs = rendered[overlay]
        return (
            by_kind(docs, "HorizontalPodAutoscaler")["catalog-api"]["spec"]["minReplicas"],
            by_kind(docs, "KafkaNodePool")["combined"]["spec"]["replicas"],
            by_kind(docs, "Cluster")["pdp-postgres"]["spec"]["instances"],
        )

    assert replicas("dev") == (1, 1, 1)
    assert replicas("prod") == (3, 3, 3)
    for topic in by_kind(rendered["dev"], "KafkaTopic").values():
        assert topic["spec"]["replicas"] == 1


def test_rendered_secrets_are_placeholders_or_external(rendered: dict[str, Any]) -> None:
    assert not by_kind(rendered["prod"], "Secret"), "prod takes secrets from the secret store"
    for name, secret in by_kind(rendered["dev"], "Secret").items():
        if name.startswith("pdp-gateway-signing-key"):
            continue  # the git-ignored dev key, replaced by a stand-in here
        for key, value in secret["data"].items():
            decoded = base64.b64decode(value).decode()
            assert not looks_like_real_secret(key.upper(), decoded), f"{name}.{key}"
            if key != "id":
                assert PLACEHOLDER.search(decoded), f"{name}.{key} is not an obvious placeholder"


# --------------------------------------------------------------------------- internal calls


def internal_secrets(env: dict[str, str]) -> set[str]:
    return {name for name in env if name.endswith("_INTERNAL_CLIENT_SECRET")}


def test_compose_gives_each_service_its_own_internal_secret_and_the_gateway_all(
    compose: dict[str, Any],
) -> None:
    gateway = compose_environment(compose["services"]["gateway"])
    assert internal_secrets(gateway) == {
        f"PDP_{service.upper()}_INTERNAL_CLIENT_SECRET" for service in SERVICES
    }
    for service in SERVICES:
        own = f"PDP_{service.upper()}_INTERNAL_CLIENT_SECRET"
        for part in (service, f"{service}-worker"):
            env = compose_environment(compose["services"][part])
            assert internal_secrets(env) == {own}, part
            assert env[own] == gateway[own]
            assert env["PDP_ENV"] == "dev"  # compose is the dev stack and says so
            for other in SERVICES:
                assert env[f"PDP_{other.upper()}_URL"] == f"http://{other}:{APP_PORT}"
    assert "PDP_INTERNAL_CLIENT_SECRET" not in gateway  # one secret per service, none shared


def test_internal_calls_reach_catalog_only_from_its_readers() -> None:
    policies = {
        doc["metadata"]["name"]: doc["spec"]
        for _, doc in resource_documents()
        if doc["kind"] == "NetworkPolicy"
    }
    policy = policies["catalog-internal-callers"]
    assert policy["podSelector"]["matchLabels"] == {
        "app.kubernetes.io/name": "catalog",
        "app.kubernetes.io/component": "api",
    }
    [rule] = policy["ingress"]
    [peer] = rule["from"]
    assert peer == {
        "podSelector": {
            "matchExpressions": [
                {
                    "key": "app.kubernetes.io/name",
                    "operator": "In",
                    "values": ["sharing", "opening", "registry"],
                }
            ]
        }
    }
    assert rule["ports"] == [{"port": APP_PORT, "protocol": "TCP"}]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_apps_read_their_own_internal_secret_and_each_services_url(
    rendered: dict[str, Any], overlay: str
) -> None:
    deployments = by_kind(rendered[overlay], "Deployment")
    for service in SERVICES:
        own = f"PDP_{service.upper()}_INTERNAL_CLIENT_SECRET"
        for part in ("api", "worker"):
            env = deployments[f"{service}-{part}"]["spec"]["template"]["spec"]["containers"][0]
            names = {entry["name"] for entry in env.get("env", [])}
            assert internal_secrets(dict.fromkeys(names, "")) == {own}, f"{service}-{part}"
    gateway = deployments["gateway-api"]["spec"]["template"]["spec"]["containers"][0]
    assert internal_secrets({entry["name"]: "" for entry in gateway["env"]}) == {
        f"PDP_{service.upper()}_INTERNAL_CLIENT_SECRET" for service in SERVICES
    }
    [config] = [
        doc
        for name, doc in by_kind(rendered[overlay], "ConfigMap").items()
        if name.startswith("pdp-config")
    ]
    for service in SERVICES:
        assert config["data"][f"PDP_{service.upper()}_URL"] == f"http://{service}-api:{APP_PORT}"
