"""PIPL art. 45 export, canteen's part: wallet balances and ledger, payments, refunds, top-ups,
takeaway orders of the person."""

from __future__ import annotations

from typing import Any

from canteen.models import Charge, Entry, TakeawayOrder, TopUp
from canteen.selectors import wallet_balances
from portal.models import User


def personal_data(user: User) -> dict[str, Any]:
    balances = wallet_balances(user)
    return {
        "wallet": {
            "cash_fen": balances.cash_fen,
            "subsidy_fen": balances.subsidy_fen,
            "spendable_fen": balances.spendable_fen,
        },
        "wallet_ledger": [
            {
                "at": e.transaction.created_at.isoformat(),
                "account": e.account.kind,
                "kind": e.transaction.kind,
                "amount_fen": e.amount_fen,
                "description": e.transaction.description,
            }
            for e in Entry.objects.filter(account__user=user)
            .select_related("transaction", "account")
            .order_by("transaction__created_at", "id")
        ],
        "payments": [
            {
                "at": c.created_at.isoformat(),
                "merchant": c.merchant.name,
                "amount_fen": c.amount_fen,
                "refunded_fen": c.refunded_fen,
                "method": c.method,
                "lines": c.lines,
                "refunds": [
                    {"at": r.created_at.isoformat(), "amount_fen": r.amount_fen, "reason": r.reason} for r in c.refunds.all()
                ],
            }
            for c in Charge.objects.filter(user=user)
            .select_related("merchant")
            .prefetch_related("refunds")
            .order_by("created_at")
        ],
        "topups": [
            {
                "at": t.created_at.isoformat(),
                "order": t.out_trade_no,
                "amount_fen": t.amount_fen,
                "status": t.status,
                "paid_at": t.paid_at.isoformat() if t.paid_at else None,
            }
            for t in TopUp.objects.filter(user=user).order_by("created_at")
        ],
        "takeaway_orders": [
            {"at": o.created_at.isoformat(), "merchant": o.merchant.name, "pickup_code": o.pickup_code, "status": o.status}
            for o in TakeawayOrder.objects.filter(user=user).select_related("merchant").order_by("created_at")
        ],
    }
