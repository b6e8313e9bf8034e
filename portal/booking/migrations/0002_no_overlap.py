"""PostgreSQL: no two active bookings of one resource overlap, enforced by the database.

An exclusion constraint over (resource, tstzrange(start, end, '[)')) for active rows (btree_gist
gives GiST its `=` on the resource id). Half-open ranges: 09:00-10:00 and 10:00-11:00 do not
clash. SQLite has no such constraint; there the write path is serialized (services/writes.py).
Written as SQL run only on PostgreSQL, so the same migration runs on both databases.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

ACTIVE = ("pending", "confirmed")  # models.bookings.ACTIVE, frozen here as migrations must be
CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    resource_id WITH =, tstzrange("start", "end", '[)') WITH &&
) WHERE (status IN ({", ".join(f"'{s}'" for s in ACTIVE)}));
"""
DROP = "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
