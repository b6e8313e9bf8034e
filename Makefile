# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run dev test pytest lint bench messages clean

$(STAMP): pyproject.toml overrides.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv
	# overrides.txt keeps face_recognition from building dlib from source (see README).
	# --compile-bytecode: imports read .pyc at once (PYTHONDONTWRITEBYTECODE below would never write them).
	$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) --override overrides.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The product: DEBUG off, static files by WhiteNoise (found through the finders at start, no collectstatic).
run: install
	$(PY) -m compileall -q -j 0 config core portal building devices security canteen
	DEBUG=false $(PY) manage.py start    # migrate + seed_demo + serve in one process: one set of imports

# Developer mode: DEBUG on (Django's error pages), static files re-read from disk on every request.
dev: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	DEBUG=true WHITENOISE_AUTOREFRESH=true $(PY) manage.py serve

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/pip_check.py

pytest: install
	$(VENV)/bin/pytest

test: lint pytest

bench: install
	$(PY) bench/mqtt_ingest.py

messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) scripts/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po $(wildcard locale/pending/*.json)
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
