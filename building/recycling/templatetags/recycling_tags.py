from django import template

from building.recycling.strings import drop_reason

register = template.Library()


@register.filter
def reason_text(code: str) -> str:
    """A drop's reason code as a sentence."""
    return drop_reason(code)


@register.filter
def kg(grams: int | None) -> str:
    return "—" if grams is None else f"{grams / 1000:.1f}"
