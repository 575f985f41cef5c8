"""The catalog's public base URL (the DCAT export's IRIs and ``hydra:next``) is the gateway's URL
in every launch: make run (devstack), compose and each Kubernetes overlay."""

from __future__ import annotations

from pathlib import Path

import yaml

from pdp_devstack.stack import StackConfig

ROOT = Path(__file__).resolve().parents[2]
KEY = "PDP_CATALOG_PUBLIC_BASE_URL"


def test_make_run_gives_the_catalog_the_gateways_url_on_any_port(tmp_path: Path) -> None:
    config = StackConfig(gateway_port=8123, data_dir=tmp_path, kafka_bootstrap=None, kafka_port=1)
    env = config.environment("127.0.0.1:1", embedded_broker=True)
    assert env[KEY] == config.gateway_url == "http://127.0.0.1:8123"


def test_compose_gives_the_catalog_the_gateways_public_url() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = compose["x-app-env"]
    assert env[KEY] == env["PDP_TOKEN_ISSUER"] == "http://localhost:8000"


def test_every_kubernetes_overlay_gives_the_catalog_the_gateways_public_url() -> None:
    for path in [
        ROOT / "deploy/k8s/base/kustomization.yaml",
        *sorted((ROOT / "deploy/k8s/overlays").glob("*/kustomization.yaml")),
    ]:
        generators = yaml.safe_load(path.read_text()).get("configMapGenerator", [])
        literals = dict(
            literal.split("=", 1)
            for generator in generators
            if generator["name"] == "pdp-config"
            for literal in generator.get("literals", [])
        )
        if "PDP_TOKEN_ISSUER" in literals:
            assert literals.get(KEY) == literals["PDP_TOKEN_ISSUER"], path
