# One entry point for people and CI. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

WITH_INFRA := scripts/with-infra-env.sh
# All four endpoints given means "use these servers"; otherwise start the native ones.
EXTERNAL_INFRA := $(and $(KAFKA_BROKERS),$(POSTGRES_URL),$(MONGO_URI),$(REDIS_URL))

.PHONY: help up down logs status install build infra-up infra-down infra-status migrate-up migrate-down \
        proto proto-check read-model-rebuild lint typecheck check browser tools readme-config test test-unit test-int test-e2e \
        test-faults clean

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# The system: docker compose with a Docker engine, else native servers + the services from dist/.
# Logic in scripts/stack/ (README "Quick start" explains the variables they take).
up: ## Start the whole system (compose, or natively; GATEWAYS=/WRITERS=/READERS= instances) and print its URLs
	@bash scripts/stack/up.sh

down: ## Stop what make up started: every instance, then the native servers it started itself
	@bash scripts/stack/down.sh

logs: ## Follow every instance's log as JSON lines (PRETTY=1: readable, through pino-pretty)
	@bash scripts/stack/logs.sh

status: ## Show each instance (state, pid, ports as started) and the native servers
	@bash scripts/stack/status.sh

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
install: node_modules/.package-lock.json ## Install dependencies (npm ci) when package-lock.json changed

build: install ## Compile every workspace to dist/
	npm run build

infra-up: ## Install (if missing) and start PostgreSQL, Redis, Kafka, FerretDB, Prometheus on loopback
	bash scripts/infra/up.sh

infra-down: ## Stop the native servers this checkout started (data is kept in .infra/)
	bash scripts/infra/down.sh

infra-status: ## Show which native servers run, with pids and endpoints
	@bash scripts/infra/status.sh

migrate-up: install ## Apply PostgreSQL migrations (POSTGRES_URL or the native infra)
	$(WITH_INFRA) npm run migrate:up

migrate-down: install ## Roll back the last PostgreSQL migration
	$(WITH_INFRA) npm run migrate:down

# The reader's configuration (MONGO_*, REDIS_*, SEARCH_POSTGRES_URL, READER_SERVICE__<NAME> as make up
# gives it) plus POSTGRES_URL, the writer's database; the native infra's endpoints when unset.
read-model-rebuild: install ## Rebuild MongoDB, Redis and search from PostgreSQL while the readers serve (resumable)
	$(WITH_INFRA) env $$(env | sed -n 's/^READER_SERVICE__//p') npm run read-model:rebuild

proto: install ## Regenerate TypeScript types from proto/
	npm run proto:gen

proto-check: install ## Fail when the generated types differ from proto/
	npm run proto:check

lint: install ## Lint and check formatting (Biome)
	npm run lint

typecheck: install ## Type-check every workspace (tsc, strict)
	npm run typecheck

check: lint typecheck proto-check ## Lint, type-check and verify generated code

browser: ## Install Chromium for the browser tests (Debian package) if it is missing
	bash scripts/browser/chromium.sh >/dev/null

tools: ## Build the pinned grpcurl, kustomize and k8s-validate into .infra/bin if they are missing
	bash scripts/tools/grpcurl.sh >/dev/null
	bash scripts/tools/kustomize.sh >/dev/null
	bash scripts/tools/k8s-validate.sh >/dev/null

readme-config: install ## Regenerate the configuration table in README.md from the services' config
	node --conditions=source --import tsx scripts/config-table.ts --write
	npx biome format --write README.md

test: install check browser tools ## Lint, type-check, then unit, integration, end-to-end and fault tests
	$(if $(EXTERNAL_INFRA),,bash scripts/infra/up.sh)
	rm -rf .test-results && mkdir -p .test-results
	$(WITH_INFRA) npx vitest run --project unit --project int --project e2e \
	  --reporter=default --reporter=json --outputFile.json=.test-results/main.json
	$(WITH_INFRA) npx vitest run --project faults --passWithNoTests \
	  --reporter=default --reporter=json --outputFile.json=.test-results/faults.json

test-unit: install tools ## Unit tests only (no servers needed)
	npx vitest run --project unit

test-int: install ## Integration tests only (starts the native infra when needed)
	$(if $(EXTERNAL_INFRA),,bash scripts/infra/up.sh)
	$(WITH_INFRA) npx vitest run --project int

test-e2e: install browser tools ## End-to-end tests: the services as processes, the REST API, Swagger UI, make up
	$(if $(EXTERNAL_INFRA),,bash scripts/infra/up.sh)
	$(WITH_INFRA) npx vitest run --project e2e

test-faults: install ## Fault tests, long form: more commands, longer outages (native infra only)
	bash scripts/infra/up.sh
	mkdir -p .test-results
	FAULTS_MODE=full $(WITH_INFRA) npx vitest run --project faults \
	  --reporter=default --reporter=json --outputFile.json=.test-results/faults.json

clean: ## Remove build output and test reports (not .infra data)
	rm -rf dist */dist packages/*/dist .test-results
