"""Plate validators other apps contribute: booking keeps its own normalisation only, and whoever
knows what a real plate looks like (building/parking, GA 36-2018) registers a check here from its
AppConfig.ready(). portal.booking may not import building.parking (the import-linter layers), so
the knowledge comes in from above. No models here: importing this module needs no app installed.
"""

from __future__ import annotations

from collections.abc import Callable

# raw plate as typed -> "" when it may be a real plate, else a sentence in the user's language
PlateValidator = Callable[[str], str]

_VALIDATORS: dict[str, PlateValidator] = {}


def plate_validator_register(name: str, validator: PlateValidator) -> None:
    """Register (or replace: ready() may run twice) the validator called `name`."""
    _VALIDATORS[name] = validator


def plate_validator_unregister(name: str) -> None:
    _VALIDATORS.pop(name, None)


def plate_problem(plate: str) -> str:
    """The first registered validator's objection to `plate`, or "" (also when none is registered)."""
    for validator in list(_VALIDATORS.values()):
        problem = validator(plate)
        if problem:
            return problem
    return ""
