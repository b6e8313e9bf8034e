"""Operator figures: sales per merchant and meal period, and the daily reconciliation.

Reconciliation for one local day checks three sources against each other:
  * sales records (Charge / Refund rows) per merchant and payment method,
  * the ledger (entries on each merchant account, top-up entries on Alipay clearing),
  * Alipay's side (verified TRADE_SUCCESS notices, and the gateway's own trades in simulated mode).

Every figure is one site's: the merchants of the site, and the wallet top-ups of its people. Pages
call the `*_for_user` selectors, which take the caller's site (none without a site).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from canteen.alipay_client import simulated
from canteen.models import AccountKind, AlipayNotice, Charge, Entry, Merchant, Refund, SimAlipayTrade, TopUp
from core.money import yuan_to_fen


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _site_of(user: Any) -> int:
    return getattr(user, "site_id", None) or 0  # no site: no figures


def sales_for_user(user: Any, day: date) -> list[dict[str, Any]]:
    return sales_by_merchant_period(day, site_id=_site_of(user))


def refunds_for_user(user: Any, day: date) -> list[Refund]:
    return refunds_on(day, site_id=_site_of(user))


def reconciliation_for_user(user: Any, day: date) -> Reconciliation:
    return reconciliation(day, site_id=_site_of(user))


def sales_by_merchant_period(day: date, *, site_id: int) -> list[dict[str, Any]]:
    start, end = day_bounds(day)
    rows = (
        Charge.objects.filter(merchant__site_id=site_id, created_at__gte=start, created_at__lt=end)
        .values("merchant__name", "period__name")
        .annotate(
            count=Count("id"), amount_fen=Sum("amount_fen"), refunded_fen=Sum("refunded_fen"), subsidy_fen=Sum("subsidy_fen")
        )
        .order_by("merchant__name", "period__name")
    )
    return [{**r, "net_fen": (r["amount_fen"] or 0) - (r["refunded_fen"] or 0)} for r in rows]


def refunds_on(day: date, *, site_id: int) -> list[Refund]:
    start, end = day_bounds(day)
    return list(
        Refund.objects.filter(charge__merchant__site_id=site_id, created_at__gte=start, created_at__lt=end).select_related(
            "charge__merchant", "actor", "charge__user"
        )
    )


@dataclass
class Reconciliation:
    day: date
    merchants: list[dict[str, Any]] = field(default_factory=list)
    methods: list[dict[str, Any]] = field(default_factory=list)
    topups: dict[str, Any] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return all(m["balanced"] for m in self.merchants) and bool(self.topups.get("balanced", True))


def reconciliation(day: date, *, site_id: int) -> Reconciliation:
    start, end = day_bounds(day)
    report = Reconciliation(day=day)
    for merchant in Merchant.objects.filter(site_id=site_id).order_by("code"):
        sold = Charge.objects.filter(merchant=merchant, created_at__gte=start, created_at__lt=end).aggregate(
            n=Count("id"), s=Sum("amount_fen")
        )
        refunded = Refund.objects.filter(charge__merchant=merchant, created_at__gte=start, created_at__lt=end).aggregate(
            n=Count("id"), s=Sum("amount_fen")
        )
        ledger_total = (
            Entry.objects.filter(
                account__kind=AccountKind.MERCHANT,
                account__merchant=merchant,
                transaction__created_at__gte=start,
                transaction__created_at__lt=end,
            ).aggregate(s=Sum("amount_fen"))["s"]
            or 0
        )
        sales_net = (sold["s"] or 0) - (refunded["s"] or 0)
        if not sold["n"] and not refunded["n"] and not ledger_total:
            continue
        report.merchants.append(
            {
                "merchant": merchant.name,
                "code": merchant.code,
                "charges": sold["n"],
                "charged_fen": sold["s"] or 0,
                "refunds": refunded["n"],
                "refunded_fen": refunded["s"] or 0,
                "net_fen": sales_net,
                "ledger_fen": ledger_total,
                "balanced": sales_net == ledger_total,
            }
        )
    report.methods = [
        dict(row)
        for row in Charge.objects.filter(merchant__site_id=site_id, created_at__gte=start, created_at__lt=end)
        .values("merchant__name", "method")
        .annotate(count=Count("id"), amount_fen=Sum("amount_fen"), subsidy_fen=Sum("subsidy_fen"), cash_fen=Sum("cash_fen"))
        .order_by("merchant__name", "method")
    ]
    # Top-ups: the wallets of the site's people; on the ledger, the clearing legs of the transactions
    # that credit one of those wallets (one clearing account serves every site).
    paid = TopUp.objects.filter(user__site_id=site_id, status=TopUp.Status.PAID, paid_at__gte=start, paid_at__lt=end)
    ours = {t.out_trade_no: t.amount_fen for t in paid}
    site_wallet_transactions = Entry.objects.filter(
        account__user__site_id=site_id, transaction__created_at__gte=start, transaction__created_at__lt=end
    ).values("transaction_id")
    ledger_topups = -(
        Entry.objects.filter(account__kind=AccountKind.ALIPAY_CLEARING, transaction_id__in=site_wallet_transactions).aggregate(
            s=Sum("amount_fen")
        )["s"]
        or 0
    )
    noticed = dict(
        AlipayNotice.objects.filter(
            verified=True, trade_status__in=["TRADE_SUCCESS", "TRADE_FINISHED"], out_trade_no__in=list(ours)
        )
        .values_list("out_trade_no", "total_fen")
        .distinct()
    )
    alipay_side = dict(noticed)
    if simulated():  # the gateway's own books: a credit found only by the query task shows up here
        for trade in SimAlipayTrade.objects.filter(out_trade_no__in=list(ours), status="TRADE_SUCCESS"):
            alipay_side.setdefault(trade.out_trade_no, yuan_to_fen(trade.total_amount))
    missing = sorted(set(ours) - set(alipay_side))
    mismatched = sorted(k for k in ours if k in alipay_side and alipay_side[k] != ours[k])
    report.topups = {
        "count": len(ours),
        "wallet_fen": sum(ours.values()),
        "ledger_fen": ledger_topups,
        "alipay_fen": sum(alipay_side.get(k, 0) for k in ours),
        "missing_at_alipay": missing,
        "amount_mismatch": mismatched,
        "pending": TopUp.objects.filter(
            user__site_id=site_id, status=TopUp.Status.PENDING, created_at__gte=start, created_at__lt=end
        ).count(),
        "balanced": not missing and not mismatched and sum(ours.values()) == ledger_topups,
    }
    return report


def reconciliation_xlsx(report: Reconciliation) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "merchants"
    sheet.append(
        ["merchant", "charges", "charged (yuan)", "refunds", "refunded (yuan)", "net (yuan)", "ledger (yuan)", "balanced"]
    )
    for m in report.merchants:
        sheet.append(
            [
                m["merchant"],
                m["charges"],
                m["charged_fen"] / 100,
                m["refunds"],
                m["refunded_fen"] / 100,
                m["net_fen"] / 100,
                m["ledger_fen"] / 100,
                m["balanced"],
            ]
        )
    methods = book.create_sheet("methods")
    methods.append(["merchant", "method", "count", "amount (yuan)", "subsidy (yuan)", "cash (yuan)"])
    for r in report.methods:
        methods.append(
            [r["merchant__name"], r["method"], r["count"], r["amount_fen"] / 100, r["subsidy_fen"] / 100, r["cash_fen"] / 100]
        )
    topups = book.create_sheet("alipay")
    t = report.topups
    topups.append(
        [
            "top-ups",
            "wallet (yuan)",
            "ledger (yuan)",
            "alipay (yuan)",
            "missing at alipay",
            "amount mismatch",
            "pending",
            "balanced",
        ]
    )
    topups.append(
        [
            t["count"],
            t["wallet_fen"] / 100,
            t["ledger_fen"] / 100,
            t["alipay_fen"] / 100,
            ", ".join(t["missing_at_alipay"]),
            ", ".join(t["amount_mismatch"]),
            t["pending"],
            t["balanced"],
        ]
    )
    for ws in (sheet, methods, topups):
        ws.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
