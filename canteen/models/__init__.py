"""Canteen models: the ledger (money), sales (merchants, menus, charges), Alipay top-ups."""

from canteen.models.alipay import AlipayNotice, SimAlipayTrade, TopUp
from canteen.models.ledger import Account, AccountKind, Entry, Transaction, TransactionKind
from canteen.models.sales import (
    Charge,
    Dish,
    IdempotencyRecord,
    MealPeriod,
    Merchant,
    MerchantKind,
    PayCodeUse,
    Product,
    Refund,
    TakeawayOrder,
)

__all__ = [
    "Account",
    "AccountKind",
    "AlipayNotice",
    "Charge",
    "Dish",
    "Entry",
    "IdempotencyRecord",
    "MealPeriod",
    "Merchant",
    "MerchantKind",
    "PayCodeUse",
    "Product",
    "Refund",
    "SimAlipayTrade",
    "TakeawayOrder",
    "TopUp",
    "Transaction",
    "TransactionKind",
]
