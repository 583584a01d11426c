"""The database raises reporting_dataversion.number on every change to a table the monthly
figures read (reporting/selectors.py), whatever makes it: forms, the admin, an import's bulk
writes and its undo, raw SQL.

PostgreSQL: a deferred constraint trigger per row, so the raise happens at commit, once per
transaction (a transaction-local setting remembers it), and the version row is locked only for
that moment: an import that writes for a minute does not hold up other writers. The new
version becomes visible together with the data. TRUNCATE raises it too.
SQLite (development, tests): a trigger per row; SQLite writes one transaction at a time anyway.
"""

from django.db import migrations

FIGURE_TABLES = (
    "agreements_agreement",
    "agreements_assignment",
    "agreements_participation",
    "supervision_supervisiongroup",
    "supervision_groupmembership",
    "supervision_supervisionsession",
    "supervision_attendance",
    "payroll_reportline",
    "registry_servicearea",
    "registry_assignmenttype",
)
TRIGGER = "reporting_raise_data_version"
RAISE = (
    "INSERT INTO reporting_dataversion (id, number) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET number = reporting_dataversion.number + 1"
)
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('kokemus.report_data_raised', true) IS DISTINCT FROM 'yes' THEN
        {RAISE};
        PERFORM set_config('kokemus.report_data_raised', 'yes', true);
    END IF;
    RETURN NULL;
END $$;
"""


def _postgresql(table: str) -> list[str]:
    return [
        f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
        f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
    ]


def _sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {TRIGGER}_{table}_{event.lower()} AFTER {event} ON {table} "
        f"BEGIN {RAISE}; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def create_triggers(apps, schema_editor, tables=FIGURE_TABLES):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRESQL_FUNCTION] + [s for t in tables for s in _postgresql(t)]
    elif vendor == "sqlite":
        statements = [s for table in tables for s in _sqlite(table)]
    else:
        raise NotImplementedError(f"no report data version triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor, tables=FIGURE_TABLES, function=True):
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{table}_{event}")
    if vendor == "postgresql" and function:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_stored_reports_and_data_version"),
        ("agreements", "0004_unique_number_messages"),
        ("supervision", "0005_optimistic_lock_versions"),
        ("payroll", "0001_hours_reports_runs_and_limits"),
        ("registry", "0008_assignment_type_payroll_class"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
