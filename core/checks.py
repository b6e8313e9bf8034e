"""System check: what the installed apps contribute must be whole (runs on every start)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register("core")
def contributions_whole(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from core.registry import contribution_problems

    return [Error(problem, id="core.E001") for problem in contribution_problems(with_permissions=False)]
