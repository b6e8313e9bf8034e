from __future__ import annotations

from building.models import Site
from security.models import AccessZone


def access_zone_ensure(*, site: Site, code: str, name: str, open_to_all_staff: bool) -> AccessZone:
    zone, _ = AccessZone.objects.update_or_create(
        site=site, code=code, defaults={"name": name, "open_to_all_staff": open_to_all_staff}
    )
    return zone
