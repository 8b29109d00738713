# Chinese debt-negotiation coach — every target does its own set-up.
#   make run    install, train if stale, start action server + Rasa (REST, Socket.IO) + web pages
#   make test   everything CI runs
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
STAMP       := $(VENV)/.installed
MODEL       := models/latest.tar.gz
REPORTS     := reports
TRAIN_INPUTS := config.yml $(shell find domain data components dicts -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help install train run test lint validate unit nlu-eval eval core-test integration bench clean examples

help:
	@echo "make run    — install, train if needed, start the bot (http://localhost:5005)"
	@echo "make test   — lint, validate data, unit tests, train, held-out NLU eval, story tests, HTTP tests"
	@echo "make eval   — held-out NLU evaluation → reports/"
	@echo "make train  — train models/latest.tar.gz if data/config/domain changed"

$(STAMP): requirements.in requirements.lock
	@python310=$$(scripts/find-python310.sh) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	    rm -rf $(VENV) && $$python310 -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade "pip<25" wheel
	$(PY) -m pip install --quiet -r requirements.in -c requirements.lock
	@touch $@

install: $(STAMP)

$(MODEL): $(STAMP) $(TRAIN_INPUTS)
	@mkdir -p models
	$(RASA) train --config config.yml --domain domain --data data --out models --fixed-model-name latest
	@touch $@

train: $(MODEL)

run: $(MODEL)
	@scripts/run.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .

validate: $(STAMP)
	scripts/validate-data.sh

unit: $(STAMP)
	$(PY) -m pytest -q tests/unit

nlu-eval eval: $(MODEL)
	@mkdir -p $(REPORTS)/nlu
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/holdout.yml --out $(REPORTS)/nlu --no-plot 2>&1 | tail -n 3
	$(PY) scripts/nlu_report.py --model $(MODEL) --holdout tests/nlu/holdout.yml --rasa-report $(REPORTS)/nlu \
	  --out $(REPORTS) --check

core-test: $(MODEL)
	@mkdir -p $(REPORTS)/core
	scripts/with-action-server.sh $(RASA) test core --model $(MODEL) --stories tests/stories \
	  --out $(REPORTS)/core --fail-on-prediction-errors --no-plot

integration: $(MODEL)
	$(PY) -m pytest -q tests/integration

test: lint validate unit train nlu-eval core-test integration
	@echo "make test: all checks passed"

clean:
	rm -rf models $(REPORTS) .pytest_cache .ruff_cache var

examples: $(MODEL)
	$(PY) scripts/transcripts.py --out docs/examples.md
