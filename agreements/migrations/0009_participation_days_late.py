"""A participation written before its assignment gets the assignment's days all the same.

A restore or a hand-made fixture may list participations before their assignments (the
foreign keys are checked at the transaction's end), and migration 0007's triggers then find no
assignment to copy the days from; a restore over existing rows moves them (an UPDATE) the
same way. On PostgreSQL a deferred trigger fills such a row at the transaction's end, once the
assignment is there: an UPDATE per row, so a restore of many such rows takes longer at its
commit. On SQLite (agreements/triggers.py) a new assignment fills its participations that
have no days yet. The import and ordinary saves give every row its days at once, so on
PostgreSQL nothing is queued for them.
"""

from django.db import migrations

PARTICIPATION = "agreements_participation"
ASSIGNMENT = "agreements_assignment"
TRIGGER = "agreements_days_late"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {PARTICIPATION} p SET first_day = a.date, last_day = COALESCE(a.end_date, a.date)
        FROM {ASSIGNMENT} a
        WHERE p.id = NEW.id AND a.id = p.assignment_id
            AND (p.first_day IS NULL OR p.last_day IS NULL);
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OF assignment_id ON {PARTICIPATION}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.first_day IS NULL OR NEW.last_day IS NULL)
    EXECUTE FUNCTION {TRIGGER}()
    """,
]

SQLITE = {
    TRIGGER: f"""
        CREATE TRIGGER {TRIGGER} AFTER INSERT ON {ASSIGNMENT}
        BEGIN
            UPDATE {PARTICIPATION}
            SET first_day = NEW.date, last_day = COALESCE(NEW.end_date, NEW.date)
            WHERE assignment_id = NEW.id AND (first_day IS NULL OR last_day IS NULL);
        END
    """,
}


# rows that such a write left without days before this migration (SQLite's are filled after
# every migrate)
FILL_EMPTY = f"""
    UPDATE {PARTICIPATION} p SET first_day = a.date, last_day = COALESCE(a.end_date, a.date)
    FROM {ASSIGNMENT} a
    WHERE a.id = p.assignment_id AND (p.first_day IS NULL OR p.last_day IS NULL)
"""


def _make(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL:
            schema_editor.execute(statement)
        schema_editor.execute(FILL_EMPTY)


def _unmake(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":  # made after migrate; not after this one
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {PARTICIPATION}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")


class Migration(migrations.Migration):

    dependencies = [("agreements", "0008_participation_days_compact")]

    operations = [migrations.RunPython(_make, _unmake, elidable=False)]
