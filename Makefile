# The environment is .venv, built from uv.lock with the machine's own Python (never a downloaded one).
PYTHON ?= python3.11
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PORT ?= 5000
PYTEST_ARGS ?=
A ?= HEAD
B ?= workspace
CODE := pipeline tools tests benchmarks
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1
export PATH := $(CURDIR)/.venv/bin:$(PATH)

.DEFAULT_GOAL := help
.PHONY: metrics exps vega check-vega tracking-gc push pull services-start services-stop services-status
.PHONY: cluster cluster-start cluster-stop cluster-status sweep bench bench-huge
.PHONY: help install check-env browser repro test test-fast check-repro compare lint typecheck format lock params dag ui clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: .venv/.synced ## create .venv from uv.lock

check-env: install ## refuse to go on when .venv differs from uv.lock
	@$(UV) sync --frozen --check --python $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: .venv does not match uv.lock (a package was added, removed or changed by hand);" \
	  "run \`rm .venv/.synced && make install\` to rebuild it from the lock file" >&2; exit 1; }

repro: check-env ## run the whole pipeline (dvc repro) on the configured dataset
	dvc repro

browser: ## Debian's chromium for the tests that render pages (installed with apt-get when missing)
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

cluster: ## Debian's slurm-wlm and munge for scripts/cluster.sh (installed with apt-get when missing)
	@command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null || { \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null; }

test: check-env browser cluster lint typecheck ## lint, type check, then every test (slow end-to-end tests included)
	pytest -n auto --dist loadscope $(PYTEST_ARGS)

test-fast: check-env ## run the unit tests only (under a minute)
	pytest -n auto --dist loadscope -m "not slow" $(PYTEST_ARGS)

check-repro: check-env ## run the committed pipeline twice from nothing (other cores, other kernels), compare every output (ARGS="--dataset synthetic --rows 100000")
	python -m tools.check_repro $(ARGS)

compare: check-env ## paired comparison of runs on the same test rows: A (HEAD) against each of B (workspace); MARKDOWN=FILE for a pull request
	python -m tools.compare $(A) $(B) $(if $(MARKDOWN),--markdown $(MARKDOWN))

lint: install ## ruff check and format check
	ruff check $(CODE)
	ruff format --check $(CODE)

typecheck: install ## mypy on pipeline/, tools/ and benchmarks/ (configured in pyproject.toml)
	mypy

format: install ## format the code with ruff
	ruff check --fix $(CODE)
	ruff format $(CODE)

lock: | $(UV) ## re-resolve uv.lock after editing pyproject.toml
	$(UV) lock --python $(PYTHON)

params: install ## compose params.yaml from params/ without running anything else
	python -m pipeline.stages.params

dag: install ## make each stage's code deps in dvc.yaml its import closure
	python -m tools.dag --write

metrics: install ## this run's metrics in 100 columns: test with interval, cv, baselines, fairness
	@python -m tools.metrics

exps: install ## a row per experiment: dataset, model, headline metric (ARGS=-A: all commits)
	@python -m tools.metrics --exps $(ARGS)

vega: install ## rebuild vendor/vega/ (the offline page of `dvc plots`) from the npm registry
	python -m tools.vendor_vega

check-vega: install ## check that vendor/vega/ is what the npm registry's pinned packages give
	python -m tools.vendor_vega --check

ui: install ## MLflow UI on 127.0.0.1, port PORT (5000), for the runs in mlflow.db
	@echo "Runs: http://127.0.0.1:$(PORT)/#/experiments  (pick one, then Training runs)"
	mlflow ui --backend-store-uri sqlite:///mlflow.db --host 127.0.0.1 --port $(PORT) --workers 1

push: install ## send the cached outputs (data, model, plots) to the DVC remote `shared` (.dvc/config; your own: dvc remote modify --local shared url PATH)
	dvc push

pull: install ## fetch them into this clone: with the committed dvc.lock, `dvc repro` then re-runs nothing
	dvc pull

tracking-gc: install ## mark KILLED the MLflow runs left RUNNING by a process that is gone (kill -9); DRY=1: only say which
	python -m tools.tracking_gc $(if $(DRY),--dry-run)

services-start: install ## team services on 127.0.0.1, state in .services/: PostgreSQL, SeaweedFS (S3), an MLflow server over both (scripts/services.sh)
	scripts/services.sh start

services-stop: ## stop the services of `make services-start`; their data stays in .services/
	scripts/services.sh stop

services-status: ## one line per service: running or stopped, and its address
	@scripts/services.sh status

cluster-start: cluster ## a single-node SLURM cluster on 127.0.0.1, state in .cluster/ (scripts/cluster.sh; as root)
	scripts/cluster.sh start

cluster-stop: ## cancel the cluster's jobs, stop its daemons; its state stays in .cluster/
	scripts/cluster.sh stop

cluster-status: ## one line per daemon of the cluster: running or stopped, and its address
	@scripts/cluster.sh status

sweep: install ## a sweep as SLURM jobs, one `dvc exp run` each (ARGS="--wait -S model=knn,svm"; scripts/sweep.sh)
	scripts/sweep.sh $(ARGS)

bench: check-env ## time every stage on synthetic (10,000 to 1,000,000 rows) against the floor; benchmarks/results.md
	python benchmarks/end_to_end.py --components --out benchmarks/results.md $(ARGS)

bench-huge: check-env ## the same at 1,000,000 and 10,000,000 rows (about 15 minutes); benchmarks/results_huge.md
	python benchmarks/end_to_end.py --rows 1000000 10000000 --out benchmarks/results_huge.md $(ARGS)

clean: ## remove the environment and the DVC outputs git ignores (the DVC cache and committed results stay)
	rm -rf .venv .tools
	git clean -fdqX -- data models reports
