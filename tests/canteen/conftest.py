from __future__ import annotations

import pytest
from django.db import connection

from building.models import Site
from canteen.models import Merchant, MerchantKind
from canteen.services.wallet import wallet_adjust
from portal.models import User

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real row-lock concurrency needs PostgreSQL (SQLite serialises writers); CI's second pass runs it",
)


def fund(user: User, fen: int) -> int:
    return wallet_adjust(user=user, amount_fen=fen, reason="test funding", actor="test")


@pytest.fixture
def canteen(site: Site) -> Merchant:
    return Merchant.objects.create(site=site, code="canteen", name="一食堂", kind=MerchantKind.CANTEEN)


@pytest.fixture
def supermarket(site: Site) -> Merchant:
    return Merchant.objects.create(site=site, code="market", name="机关超市", kind=MerchantKind.SUPERMARKET)


@pytest.fixture
def takeaway(site: Site) -> Merchant:
    return Merchant.objects.create(site=site, code="takeaway", name="外卖窗口", kind=MerchantKind.TAKEAWAY)
