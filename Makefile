# The verbs a person uses. Everything installs itself: a fresh clone needs only Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
# uv reads the system's CA bundle only through SSL_CERT_FILE (a TLS-inspecting proxy needs it).
SYSTEM_CA := /etc/ssl/certs/ca-certificates.crt
ifeq ($(SSL_CERT_FILE),)
ifneq ($(wildcard $(SYSTEM_CA)),)
export SSL_CERT_FILE := $(SYSTEM_CA)
endif
endif

UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
VENV := .venv/bin

.PHONY: install run demo test test-quick fuzz resilience-long lint fmt bench bench-quick migration backup restore clean

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.installed: pyproject.toml uv.lock $(wildcard libs/*/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml tools/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: .venv/.installed  ## install the workspace into .venv

run: install  ## the whole platform: broker, services, gateway on PDP_GATEWAY_PORT (8000)
	$(VENV)/pdp-devstack

demo: install  ## load a demo Changning district into the running platform (PDP_GATEWAY_URL)
	$(VENV)/pdp-demo

# Tests that start the whole platform (a dozen processes each) run one at a time after the rest,
# which run on PYTEST_WORKERS processes: two platforms starting at once on two cores miss their
# readiness deadlines. The fault tests (tests/resilience) run there too: they restart PostgreSQL,
# open fifty connections at once and hold brokers still, which other tests must not share.
PYTEST_WORKERS ?= 3
PLATFORM_TESTS := tests/e2e $(wildcard tests/browser) tests/resilience

test: install  ## the whole suite, on SQLite and PostgreSQL, with the embedded broker
	$(VENV)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(addprefix --ignore=,$(PLATFORM_TESTS))
	$(VENV)/pytest $(PLATFORM_TESTS)

test-quick: install  ## SQLite only, no broker tests
	$(VENV)/pytest --backends sqlite -m "not broker"

FUZZ_EXAMPLES ?= 200
fuzz: install  ## schemathesis through the gateway, long run: FUZZ_EXAMPLES cases per operation and role, twice as many stateful scenarios per service and role (CI runs 4)
	PDP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/pytest -q -n 2 tests/security/test_fuzz.py tests/security/test_fuzz_stateful.py tests/security/test_fuzz_internal.py tests/security/test_fuzz_gateway.py

resilience-long: install  ## the broker-outage fault test at 50,000 changes through a 30 s outage
	PDP_RESILIENCE_CHANGES=50000 PDP_RESILIENCE_OUTAGE_SECONDS=30 \
		$(VENV)/pytest -s tests/resilience/test_broker_outage.py

lint: install  ## ruff, formatting, mypy, import contracts
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy libs/pdp-kit/src libs/pdp-contracts/src services/*/src gateway/src tools/devstack/src tools/demo/src
	$(VENV)/lint-imports

fmt: install
	$(VENV)/ruff check --fix .
	$(VENV)/ruff format .

bench: install  ## every benchmark (about an hour), one table of figures beside same-run baselines, JSON in bench/results/
	$(VENV)/python bench/run_all.py

bench-quick: install  ## the benchmarks at small sizes: do they all still run (a few minutes)
	$(VENV)/python bench/run_all.py --quick

migration: install  ## make migration SERVICE=catalog MESSAGE="what changed"
	$(VENV)/python -m pdp_kit.migrations $(SERVICE) "$(MESSAGE)"

backup: install  ## every service's database into backups/<UTC time>/ (or BACKUP=dir); see deploy/README.md
	$(VENV)/python -m pdp_kit.backup backup $(BACKUP)

restore: install  ## make restore BACKUP=backups/<time>: put every database back (stop the platform first)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<time>"; exit 2; }
	$(VENV)/python -m pdp_kit.backup restore $(BACKUP)

clean:
	rm -rf .pdp .pytest_cache .mypy_cache .ruff_cache
