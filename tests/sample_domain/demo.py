from typing import Any

from core.registry import DemoContext
from tests.sample_domain.models import Ring


def demo_ensure(ctx: DemoContext) -> dict[str, Any]:
    Ring.objects.get_or_create(device_id="demo-doorbell", loud=False)
    return {"doorbells": Ring.objects.filter(device_id="demo-doorbell").count()}
