from django import template

from core.money import format_fen

register = template.Library()


@register.filter
def yuan(value: object) -> str:
    """1250 -> ¥12.50 (core.money; the same look as the canteen's)."""
    return format_fen(int(value or 0))  # type: ignore[call-overload]
