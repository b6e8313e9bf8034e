from django import template

from security.reasons import access_reason

register = template.Library()


@register.filter
def access_reason_text(value: str) -> str:
    """not_allowed -> 无权进入该区域."""
    return access_reason(str(value or ""))


@register.filter
def alarm_source(value: str) -> str:
    """device_offline -> 设备离线."""
    from security.monitoring.history import source_label

    return source_label(str(value or ""))
