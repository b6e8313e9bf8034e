"""Who may watch a site's monitoring panel (the page, its state, its socket, the access log)."""

from __future__ import annotations

PANEL_PERMISSION = "security.view_panel"
