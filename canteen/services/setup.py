"""Demo catalogue: what `manage.py canteen_demo` puts in a site so `make run` has something to sell."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from building.models import Site
from canteen.models import Dish, MealPeriod, Merchant, MerchantKind, Product

PERIODS = [
    ("breakfast", "早餐", time(6, 30), time(9, 0), 500),
    ("lunch", "午餐", time(11, 0), time(13, 30), 1500),
    ("dinner", "晚餐", time(17, 0), time(19, 30), 1200),
]
TAKEAWAY_DISHES = [("红烧肉套餐", 2200), ("宫保鸡丁套餐", 1800), ("番茄鸡蛋面", 1200)]
PRODUCTS = [
    ("6901234567890", "矿泉水 550ml", 200, 200),
    ("6901234567891", "全麦面包", 650, 40),
    ("6901234567892", "纯牛奶 250ml", 350, 120),
]


def canteen_demo_ensure(*, site: Site) -> dict[str, int]:
    """Idempotent: get-or-create the three merchants with periods, dishes and products."""
    with transaction.atomic():
        canteen, _ = Merchant.objects.get_or_create(
            site=site, code="canteen", defaults={"name": "机关一食堂", "kind": MerchantKind.CANTEEN}
        )
        for code, name, starts, ends, price in PERIODS:
            MealPeriod.objects.get_or_create(
                merchant=canteen, code=code, defaults={"name": name, "starts": starts, "ends": ends, "fixed_price_fen": price}
            )
        market, _ = Merchant.objects.get_or_create(
            site=site, code="market", defaults={"name": "机关超市", "kind": MerchantKind.SUPERMARKET}
        )
        for barcode, name, price, stock in PRODUCTS:
            Product.objects.get_or_create(
                merchant=market, barcode=barcode, defaults={"name": name, "price_fen": price, "stock": stock}
            )
        window, _ = Merchant.objects.get_or_create(
            site=site, code="takeaway", defaults={"name": "食堂外卖窗口", "kind": MerchantKind.TAKEAWAY}
        )
        for name, price in TAKEAWAY_DISHES:
            Dish.objects.get_or_create(merchant=window, name=name, defaults={"price_fen": price})
    return {"merchants": Merchant.objects.filter(site=site).count(), "products": Product.objects.filter(merchant=market).count()}
