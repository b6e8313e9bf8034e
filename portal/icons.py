"""The SVG icon set: one sprite in static files, symbols addressed by name."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SPRITE = Path(__file__).resolve().parent / "static" / "portal" / "icons.svg"
FALLBACK = "info"

# The home tiles of portal/selectors.py still carry emoji (the registry's Tile.icon is a name):
# until they are all names, the tile key says which icon to draw.
TILE_ICONS = {
    "face": "face",
    "wallet": "wallet",
    "meals": "meal",
    "booking": "calendar",
    "repair": "wrench",
    "recycling": "recycle",
    "notifications": "bell",
    "panel": "shield",
    "admin": "settings",
    "api": "code",
    "parking": "car",
    "energy": "bolt",
    "lockers": "package",
}


@cache
def icon_names() -> frozenset[str]:
    return frozenset(re.findall(r'<symbol id="([a-z0-9-]+)"', SPRITE.read_text(encoding="utf-8")))


def icon_for(name: str, key: str = "") -> str:
    """A known icon name: `name` itself, else the tile key's icon, else a neutral one."""
    if name in icon_names():
        return name
    return TILE_ICONS.get(key, FALLBACK)
