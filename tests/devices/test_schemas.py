"""The documented schemas are current and valid (the e2e tests check real messages against them)."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from devices.schemas import schemas
from scripts.device_docs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "devices.md"


def test_docs_show_the_current_schemas() -> None:
    assert render() in DOC.read_text(), "docs/devices.md is stale: run .venv/bin/python scripts/device_docs.py"


@pytest.mark.parametrize("name", sorted(schemas()))
def test_every_schema_is_a_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schemas()[name])
