"""The secret calendar addresses are anonymous: a malformed token is not found, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/booking/feeds/%00.ics", "/booking/feeds/rooms/abc%00def.ics"])
def test_a_nul_in_a_feed_token_is_refused(path: str) -> None:
    assert Client().get(path).status_code == 400  # core.middleware.NulRefusingMiddleware, before any lookup
