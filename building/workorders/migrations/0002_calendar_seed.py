"""The official working calendar (holidays, make-up working days) from the chinesecalendar package."""

from typing import Any

from django.db import migrations

from building.workorders.calendar_seed import calendar_seed


def seed(apps: Any, schema_editor: Any) -> None:
    calendar_seed(apps.get_model("workorders", "WorkCalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
