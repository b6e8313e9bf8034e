from django import template

from canteen.reasons import canteen_reason, payment_method
from core.money import format_fen

register = template.Library()


@register.filter
def fen(value: object) -> str:
    """1250 -> ¥12.50 (None -> ¥0.00)."""
    return format_fen(int(value or 0))  # type: ignore[call-overload]


@register.filter
def method_label(value: str) -> str:
    """portal -> 线上（门户）: a payment method as people say it."""
    return payment_method(str(value or ""))


@register.filter
def reason_text(value: str) -> str:
    return canteen_reason(str(value or ""))
