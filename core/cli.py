"""Helpers for management commands whose contract is 'JSON on stdout, non-zero on error'."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand


def print_json(command: BaseCommand, data: Any) -> None:
    command.stdout.write(json.dumps(data, ensure_ascii=False, default=str))
