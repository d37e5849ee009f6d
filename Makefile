# Two commands on a fresh machine: `make build` and `make test`. Both set up what is missing first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready

.PHONY: build test check serve lint schema bench bench-lighthouse audit clean

build: $(READY)
	$(PY) -m generator build

test: $(READY)
	$(PY) -m pytest

check: $(READY)
	$(PY) -m generator check

serve: $(READY)
	$(PY) -m generator serve

lint: $(READY)
	$(VENV)/bin/ruff check generator tests bench

schema: $(READY)
	$(PY) -m generator schema

bench: $(READY)
	$(PY) bench/run.py

bench-lighthouse: $(READY)
	$(PY) bench/lighthouse_bench.py

# Known vulnerabilities in the pinned Python packages (needs PyPI's JSON API or api.osv.dev).
audit: $(READY)
	$(PY) -m pip install --quiet --disable-pip-version-check pip-audit
	$(VENV)/bin/pip-audit --requirement constraints.txt --no-deps --disable-pip --progress-spinner off

$(READY): pyproject.toml constraints.txt system-packages.txt scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(READY)

clean:
	rm -rf site .site.* .cache $(VENV) bench/out
