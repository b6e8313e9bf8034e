"""Things written once: each rule below names the one module allowed to spell it out, and fails
when a second copy appears (the review found each of these written two to five times)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
OURS = ("building", "canteen", "config", "core", "devices", "portal", "security")
# Owned by the handlers rewrite (issue 8, part 2); they switch to site_text when rewritten.
HANDLERS_PENDING: set[str] = set()


def _sources() -> dict[str, str]:
    found = {}
    for app in OURS:
        for path in (BASE / app).rglob("*.py"):
            relative = path.relative_to(BASE).as_posix()
            if "/migrations/" not in relative:
                found[relative] = path.read_text(encoding="utf-8")
    return found


SOURCES = _sources()


def _where(pattern: str) -> set[str]:
    regex = re.compile(pattern)
    return {path for path, text in SOURCES.items() if regex.search(text)}


# The role matrix (core/roles.py) and the portal tile (portal/selectors.py) name the permission
# too; the registry work moves both into security's AppConfig, so only security/ is checked.
SECURITY_ONLY = "security/"


@pytest.mark.parametrize(
    ("what", "pattern", "owners"),
    [
        ("text in the site's language", r"translation\.override\(settings\.LANGUAGE_CODE\)", {"core/i18n.py"}),
        ("the panel permission", r"[\"']security\.view_panel[\"']", {"security/monitoring/permissions.py"}),
        ("the access event's shape", r"[\"']access\.decision[\"']", {"security/serializers.py"}),
        ("payer identification", r"\bpaycode_resolve\(", {"canteen/services/payer.py", "canteen/services/paycode.py"}),
        ("face to person", r"\bface_(match|identify)\(", {"security/faces/api.py"}),
        (
            "the read-only admin",
            r"def has_change_permission\([^)]*\) -> bool:\n\s+return False\n\n"
            r"\s+def has_delete_permission\([^)]*\) -> bool:\n\s+return False",
            {"core/admin.py"},
        ),
    ],
)
def test_written_once(what: str, pattern: str, owners: set[str]) -> None:
    extra = _where(pattern) - owners - HANDLERS_PENDING
    if "view_panel" in pattern:
        extra = {path for path in extra if path.startswith(SECURITY_ONLY)}
    assert extra == set(), f"{what} is written again in {sorted(extra)}: use the one in {sorted(owners)}"


def test_no_fallback_for_an_app_that_is_always_installed() -> None:
    """`try: import security... except ImportError` guards against something that cannot happen."""
    offenders = []
    for path, text in SOURCES.items():
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Try):
                continue
            if not any(isinstance(h.type, ast.Name) and h.type.id == "ImportError" for h in node.handlers):
                continue
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and (statement.module or "").split(".")[0] in OURS:
                    offenders.append(f"{path}:{statement.lineno}")
                if isinstance(statement, ast.Import) and any(a.name.split(".")[0] in OURS for a in statement.names):
                    offenders.append(f"{path}:{statement.lineno}")
    assert offenders == []
