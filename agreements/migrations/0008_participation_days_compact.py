"""0007 wrote every participation anew: on PostgreSQL the table and its indexes then hold each
row twice, the old version dead (at 1M assignments 205 MB instead of 122, the unique index 101
instead of 50). VACUUM FULL writes them again compactly, and a plain VACUUM then marks the
pages all-visible, so that an expert's days are read from the index alone (at 1M 0.7 against
12 ms). VACUUM cannot run in a transaction, so this migration is not atomic. SQLite has
nothing to do."""

from django.db import migrations


def _compact(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM (FULL) agreements_participation")
        schema_editor.execute("VACUUM (ANALYZE) agreements_participation")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("agreements", "0007_participation_days")]

    operations = [migrations.RunPython(_compact, migrations.RunPython.noop, elidable=True)]
