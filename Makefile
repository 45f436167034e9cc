# Day-to-day commands; the README has the two that matter most.
PY := .venv/bin/python

.PHONY: serve test lint format bench

serve:
	bash bin/serve

test:
	bash bin/test $(ARGS)

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m bandit -c pyproject.toml -r liaison config manage.py --severity-level medium --quiet

format:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# make bench ARGS="--scale prefecture --scale x10 --database sqlite --database postgres --batch": see bench/RESULTS.md
bench:
	bash bin/bench $(ARGS)
