"""Writes of the security app (access and faces). Import from the submodules."""

from security.services.zones import access_zone_ensure

__all__ = ["access_zone_ensure"]
