# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test pytest lint bench messages clean

$(STAMP): pyproject.toml overrides.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv
	# overrides.txt keeps face_recognition from building dlib from source (see README).
	$(VENV)/bin/uv pip install --quiet --python $(PY) --override overrides.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py serve

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
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
