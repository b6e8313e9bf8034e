"""Back office. Merchants, menus and products are edited here; money rows are read-only,
because only canteen.ledger (through the services) may write them."""

from __future__ import annotations

from django.contrib import admin

from canteen.models import (
    Account,
    AlipayNotice,
    Charge,
    Dish,
    Entry,
    IdempotencyRecord,
    MealPeriod,
    Merchant,
    PayCodeUse,
    Product,
    Refund,
    SimAlipayTrade,
    TakeawayOrder,
    TopUp,
    Transaction,
)
from core.admin import ReadOnlyAdmin


class MealPeriodInline(admin.TabularInline):
    model = MealPeriod
    extra = 0


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "site", "is_active")
    list_filter = ("site", "kind", "is_active")
    inlines = [MealPeriodInline]


@admin.register(MealPeriod)
class MealPeriodAdmin(admin.ModelAdmin):
    list_display = ("merchant", "name", "starts", "ends", "fixed_price_fen")


@admin.register(Dish)
class DishAdmin(admin.ModelAdmin):
    list_display = ("name", "merchant", "period", "price_fen", "is_active")
    list_filter = ("merchant", "is_active")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "barcode", "merchant", "price_fen", "stock")
    search_fields = ("name", "barcode")


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "user", "merchant", "balance_fen", "frozen")
    list_filter = ("kind", "frozen")
    search_fields = ("user__username",)


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "idempotency_key", "user", "description")
    list_filter = ("kind",)
    search_fields = ("idempotency_key", "user__username")


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "transaction", "account", "amount_fen")


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "merchant",
        "order_ref",
        "user",
        "amount_fen",
        "subsidy_fen",
        "cash_fen",
        "refunded_fen",
        "method",
    )
    list_filter = ("merchant", "method")
    search_fields = ("order_ref", "user__username")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "charge", "amount_fen", "reason", "actor")


@admin.register(TopUp)
class TopUpAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "out_trade_no", "user", "amount_fen", "status", "trade_no", "paid_at")
    list_filter = ("status",)


@admin.register(AlipayNotice)
class AlipayNoticeAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "out_trade_no", "trade_status", "total_fen", "verified", "outcome")
    list_filter = ("verified", "outcome")


@admin.register(TakeawayOrder)
class TakeawayOrderAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "merchant", "user", "slot_start", "total_fen", "pickup_code", "status")
    list_filter = ("merchant", "status")


admin.site.register(SimAlipayTrade, ReadOnlyAdmin)
admin.site.register(PayCodeUse, ReadOnlyAdmin)
admin.site.register(IdempotencyRecord, ReadOnlyAdmin)
