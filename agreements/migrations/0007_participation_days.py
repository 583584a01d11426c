"""A participation carries its assignment's first and last day (``first_day``, ``last_day``),
kept by the database whatever makes the change: a new participation takes its assignment's
days, one moved to another assignment takes that one's, and a change of an assignment's date
or end date reaches its participations. The import writes the days of its new rows itself
(interchange/importer.py), so on PostgreSQL the trigger skips a row that has them.

PostgreSQL: a BEFORE trigger fills a participation's row, a statement trigger on the
assignments updates the participations of those a statement moved. SQLite (development,
tests): AFTER row triggers; they name another table, which SQLite's rebuild of a table in a
later migration refuses, so on SQLite they are made after every migrate and dropped before it
(agreements/triggers.py), not here.
"""

import django.db.models.deletion
from django.db import migrations, models

PARTICIPATION = "agreements_participation"
ASSIGNMENT = "agreements_assignment"
TRIGGER = "agreements_days"  # the triggers' and functions' names begin with this

# A participation ``p`` whose days are not its assignment's ``n`` as a statement left it.
_STALE = """
    p.assignment_id = n.id AND (
        p.first_day IS DISTINCT FROM n.date
        OR p.last_day IS DISTINCT FROM COALESCE(n.end_date, n.date)
    )
"""

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION {TRIGGER}_of_participation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT a.date, COALESCE(a.end_date, a.date) INTO NEW.first_day, NEW.last_day
        FROM {ASSIGNMENT} a WHERE a.id = NEW.assignment_id;
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE TRIGGER {TRIGGER}_insert BEFORE INSERT ON {PARTICIPATION}
    FOR EACH ROW WHEN (NEW.first_day IS NULL OR NEW.last_day IS NULL)
    EXECUTE FUNCTION {TRIGGER}_of_participation()
    """,
    # Django's save() writes every column, the days too, as the instance last had them
    f"""
    CREATE TRIGGER {TRIGGER}_update BEFORE UPDATE OF assignment_id ON {PARTICIPATION}
    FOR EACH ROW EXECUTE FUNCTION {TRIGGER}_of_participation()
    """,
    # One statement for all the assignments a statement changed: a row trigger's UPDATE per
    # assignment fired the participations' statement triggers (the report's months) each
    # time, 2.1 s instead of 0.2 s for 5,000 dates moved at once, as an import may. The
    # check first: most updates move no date, and an UPDATE of no rows fires them too.
    f"""
    CREATE OR REPLACE FUNCTION {TRIGGER}_of_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT FROM new_rows n JOIN {PARTICIPATION} p ON {_STALE}) THEN
            UPDATE {PARTICIPATION} p
            SET first_day = n.date, last_day = COALESCE(n.end_date, n.date)
            FROM new_rows n WHERE {_STALE};
        END IF;
        RETURN NULL;
    END $$
    """,
    # with a transition table a trigger cannot name its columns: it sees every UPDATE
    f"""
    CREATE TRIGGER {TRIGGER}_assignment AFTER UPDATE ON {ASSIGNMENT}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}_of_assignments()
    """,
]

_SQLITE_COPY = f"""
    UPDATE {PARTICIPATION} SET
        first_day = (SELECT date FROM {ASSIGNMENT} WHERE id = NEW.assignment_id),
        last_day = (SELECT COALESCE(end_date, date) FROM {ASSIGNMENT} WHERE id = NEW.assignment_id)
    WHERE id = NEW.id;
"""
SQLITE = {
    f"{TRIGGER}_insert": f"""
        CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON {PARTICIPATION}
        WHEN NEW.first_day IS NULL OR NEW.last_day IS NULL
        BEGIN {_SQLITE_COPY} END
    """,
    f"{TRIGGER}_update": f"""
        CREATE TRIGGER {TRIGGER}_update AFTER UPDATE OF assignment_id ON {PARTICIPATION}
        BEGIN {_SQLITE_COPY} END
    """,
    f"{TRIGGER}_assignment": f"""
        CREATE TRIGGER {TRIGGER}_assignment AFTER UPDATE OF date, end_date ON {ASSIGNMENT}
        WHEN OLD.date IS NOT NEW.date OR OLD.end_date IS NOT NEW.end_date
        BEGIN
            UPDATE {PARTICIPATION}
            SET first_day = NEW.date, last_day = COALESCE(NEW.end_date, NEW.date)
            WHERE assignment_id = NEW.id;
        END
    """,
}

FILL = {
    "postgresql": f"""
        UPDATE {PARTICIPATION} p SET first_day = a.date, last_day = COALESCE(a.end_date, a.date)
        FROM {ASSIGNMENT} a WHERE a.id = p.assignment_id
    """,
    "sqlite": f"""
        UPDATE {PARTICIPATION} SET
            first_day = (SELECT date FROM {ASSIGNMENT} a WHERE a.id = assignment_id),
            last_day = (SELECT COALESCE(end_date, date) FROM {ASSIGNMENT} a
                        WHERE a.id = assignment_id)
    """,
}


def _make(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # The days change no figure: the report's triggers need not see every row, and
        # would leave deferred events that CREATE INDEX refuses to run beside.
        schema_editor.execute(f"ALTER TABLE {PARTICIPATION} DISABLE TRIGGER USER")
        schema_editor.execute(FILL[vendor])
        schema_editor.execute(f"ALTER TABLE {PARTICIPATION} ENABLE TRIGGER USER")
        for statement in POSTGRESQL:
            schema_editor.execute(statement)
    else:
        schema_editor.execute(FILL[vendor])


def _unmake(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":  # made after migrate; not after this one
        for name in SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_insert ON {PARTICIPATION}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_update ON {PARTICIPATION}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_assignment ON {ASSIGNMENT}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}_of_participation()")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}_of_assignments()")


class Migration(migrations.Migration):

    dependencies = [
        ("agreements", "0006_assignment_end_date_index"),
        ("registry", "0011_professional_external_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="participation",
            name="first_day",
            field=models.DateField(editable=False, null=True, verbose_name="first day"),
        ),
        migrations.AddField(
            model_name="participation",
            name="last_day",
            field=models.DateField(editable=False, null=True, verbose_name="last day"),
        ),
        # the index after the days: built once, not updated row by row
        migrations.RunPython(_make, _unmake, elidable=False),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(
                fields=["expert", "last_day"],
                include=("first_day", "id"),
                name="participation_expert_days_idx",
            ),
        ),
        # the expert's own index is the new one's first column
        migrations.AlterField(
            model_name="participation",
            name="expert",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="participations",
                to="registry.expert",
                verbose_name="expert",
            ),
        ),
    ]
