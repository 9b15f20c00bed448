# The README's commands. Everything installs into .venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export DAGSTER_HOME ?= $(CURDIR)/.data/dagster_home
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
NPM         ?= npm
INFRA_STAMP := infra_cdk/node_modules/.installed-stamp

DEMO_TICKETS ?= 3000
DEMO_DAYS    ?= 14

.PHONY: install infra-install infra-synth infra-deploy demo test ui docs lint bench bench-quick bench-automation clean image fact-base

$(STAMP): pyproject.toml ticket_platform_demo/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]' -e ./ticket_platform_demo
	touch $(STAMP)

# The pinned CDK CLI (infra_cdk/package.json). Without npm the CLI is skipped (its test skips too);
# everything else works.
$(INFRA_STAMP): infra_cdk/package.json infra_cdk/package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
		$(NPM) ci --prefix infra_cdk --no-audit --no-fund --loglevel=error && touch $(INFRA_STAMP); \
	else echo "npm not found: the CDK CLI (infra_cdk/) is not installed"; fi

infra-install: $(INFRA_STAMP)

# checkov pins old urllib3, packaging and networkx: a venv of its own keeps .venv (and the image's
# constraints, deploy/lock.py) on the versions production runs. Pinned: each release adds checks.
CHECKOV_VERSION := 3.2.459
CHECKOV_VENV    := .venv-tools/checkov
CHECKOV         := $(CHECKOV_VENV)/bin/checkov
CHECKOV_STAMP   := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
$(CHECKOV_STAMP):
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)
	touch $@

install: $(STAMP) infra-install $(CHECKOV_STAMP)

# The judge's fact base (ticket_platform/evaluation/facts/data): awscli pins its own botocore, so it
# gets a venv of its own; only this rebuild needs it, the judge reads the committed files.
AWSCLI_VERSION := 1.46.3
AWSCLI_VENV    := .venv-tools/awscli
AWSCLI_STAMP   := $(AWSCLI_VENV)/.installed-$(AWSCLI_VERSION)
$(AWSCLI_STAMP):
	rm -rf $(AWSCLI_VENV)
	$(PYTHON) -m venv $(AWSCLI_VENV)
	$(AWSCLI_VENV)/bin/pip install --quiet --disable-pip-version-check awscli==$(AWSCLI_VERSION)
	touch $@

## fact-base: rebuild the judge's AWS fact base (CLI tree from awscli, CDK canned metrics, manifest)
fact-base: install $(AWSCLI_STAMP)
	$(BIN)/python -m ticket_platform.evaluation.facts.build --awscli-python $(AWSCLI_VENV)/bin/python

## infra-synth: synthesize the AWS stack offline (empty dependency layer), cdk-nag included
infra-synth: install
	cd infra_cdk && npx cdk synth -c lambdaDependencies=skip --quiet

## infra-deploy: ENV_NAME=prod ALERT_EMAILS=a@x.com,b@y.com make infra-deploy (needs AWS credentials);
## TICKET_BATCH_STACK=true|only (and the TICKET_BATCH_* settings) adds or deploys the batch stack
infra-deploy: install
	cd infra_cdk && npx cdk deploy --all -c envName=$(ENV_NAME) -c alertEmails=$(ALERT_EMAILS)

# The instance settings (pools, run retries, freshness daemon) every local command shares.
$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

## demo: install, run generated tickets through the real-time path offline (simulate) into
## .data/, then run the whole batch graph and print a summary
demo: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/ticket-platform simulate --tickets $(DEMO_TICKETS) --days $(DEMO_DAYS) --seed 42
	$(BIN)/ticket-platform run

## test: install and run the whole test suite
test: install
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS) || { s=$$?; [ $$s -eq 5 ] && echo 'pytest collected no tests'; [ $$s -eq 5 ] || exit $$s; }

## docs: generate the dbt docs site from the warehouse and serve it on http://127.0.0.1:8080
## (the file it prints, static_index.html, also opens without a server)
docs: install
	$(BIN)/ticket-platform docs --serve

## ui: the Dagster UI on http://127.0.0.1:3000 with the runs of `make demo` (stops on Ctrl-C or
## SIGTERM: `exec` makes the launcher make's own child; ticket_platform/cli/ui.py says the rest)
ui: install $(DAGSTER_HOME)/dagster.yaml
	exec env PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m ticket_platform.cli.ui \
		-w workspace.yaml -h 127.0.0.1 -p 3000

## lint: ruff on the Python, sqlfluff on the dbt SQL in each dialect it runs on
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && for dialect in duckdb postgres redshift; do \
		../$(BIN)/sqlfluff lint models tests macros --dialect $$dialect || exit 1; done
	rm -rf infra_cdk/cdk.out && cd infra_cdk && CDK_OUTDIR=cdk.out \
		CDK_CONTEXT_JSON='{"lambdaDependencies": "skip"}' ../$(BIN)/python app.py
	$(BIN)/cfn-lint --ignore-checks W3005 -- infra_cdk/cdk.out/*.template.json
	$(CHECKOV) --quiet --compact --skip-download --framework cloudformation \
		-f infra_cdk/cdk.out/*.template.json
	$(BIN)/hadolint Dockerfile

## bench: every benchmark suite at full size (about an hour on 2 vCPUs): ingest beside dlt, a plain
## read-and-parse loop and DuckDB read_json; S3 with latency; incremental cost; dbt by volume;
## evaluation; sensor ticks; a profile. Writes bench/RESULTS.md, bench/results/, bench/plots/
bench: install
	$(BIN)/python -m bench.run

## bench-quick: every suite at toy sizes (under 3 minutes), into bench/.work/quick/
bench-quick: install
	$(BIN)/python -m bench.run --quick

## bench-automation: file landed → marts updated with `dagster dev` running (its own data dir)
bench-automation: install
	$(BIN)/python bench/automation_latency.py

## image: build the code location's image (needs Docker; IMAGE=name:tag, default ticket-platform:dev)
image:
	docker build -t $(or $(IMAGE),ticket-platform:dev) .

clean:
	rm -rf .data dbt_project/target dbt_project/logs infra_cdk/.build infra_cdk/cdk.out
