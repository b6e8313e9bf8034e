from django import template

from core.money import format_fen

register = template.Library()


@register.filter
def fen(value: object) -> str:
    """1250 -> ¥12.50 (None -> ¥0.00)."""
    return format_fen(int(value or 0))  # type: ignore[call-overload]
