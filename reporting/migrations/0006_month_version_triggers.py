"""The database raises reporting_monthversion.number of each month that a change reaches (its
"YYYY-MM"), or of "*" for a change that may reach any month, whatever makes the change. The
report keeps each month's counted figures and counts a month again only when its version
moved (reporting/months.py).

Which month a row reaches is the date of what it counts under (MONTHS): an assignment's date,
a participation's or an hours report line's assignment, a session's date, an agreement's
signing day. An update reaches the month of its old and of its new row.

PostgreSQL: statement triggers with transition tables gather the months of a statement's rows
in one query into a transaction-local setting, and the deferred version trigger of 0002
raises them at commit, in month order, after taking the data version's row: the months' rows
are locked only for that moment and always in one order, so two writers never deadlock.
SQLite (development, tests): a trigger per row; BEFORE triggers read a row's old values, as
they read the row itself. They name other tables, which SQLite's rebuild of a table in a later
migration refuses, so on SQLite they are made after every migrate and dropped before it
(reporting/triggers.py), not here.
"""

import importlib

from django.db import migrations

_0002 = importlib.import_module("reporting.migrations.0002_data_version_triggers")

# Table: (joins from the changed row ``r``, the date whose month it reaches).
MONTHS = {
    "agreements_assignment": ("", "r.date"),
    "agreements_participation": (
        "JOIN agreements_assignment a ON a.id = r.assignment_id",
        "a.date",
    ),
    "payroll_reportline": (
        "JOIN agreements_participation p ON p.id = r.participation_id "
        "JOIN agreements_assignment a ON a.id = p.assignment_id",
        "a.date",
    ),
    "agreements_agreement": ("", "r.signed_on"),
    "supervision_supervisionsession": ("", "r.date"),
    "supervision_attendance": (
        "JOIN supervision_supervisionsession s ON s.id = r.session_id",
        "s.date",
    ),
    "feedback_reflection": (
        "JOIN agreements_participation p ON p.id = r.participation_id "
        "JOIN agreements_assignment a ON a.id = p.assignment_id",
        "a.date",
    ),
    "feedback_professionalfeedback": (
        "JOIN agreements_assignment a ON a.id = r.assignment_id",
        "a.date",
    ),
}
# Changes that may reach any month: codes and divisions, a group's division, a member's expert.
EVERYTHING = (
    "registry_assignmenttype",
    "registry_servicearea",
    "supervision_supervisiongroup",
    "supervision_groupmembership",
)
# An agreement's fees price the work of any month.
AGREEMENT_FEES = ("hourly_fee", "assignment_fee")
TABLES = tuple(MONTHS) + EVERYTHING

TRIGGER = "reporting_mark_months"  # the triggers' and functions' names begin with this
SETTING = "kokemus.report_months"  # the months a transaction reached, not yet raised


# PostgreSQL ---------------------------------------------------------------------------------

_COLLECT = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}(reached text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF reached IS NULL OR cardinality(reached) = 0 THEN
        RETURN;
    END IF;
    PERFORM set_config('{SETTING}', array_to_string(ARRAY(
        SELECT DISTINCT m FROM unnest(
            string_to_array(NULLIF(current_setting('{SETTING}', true), ''), ',') || reached
        ) m
    ), ','), true);
END $$;
"""

# The data version's function of 0002, which also raises the months gathered so far.
_RAISE = f"""
CREATE OR REPLACE FUNCTION reporting_raise_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    months text := current_setting('{SETTING}', true);
BEGIN
    IF current_setting('kokemus.report_data_raised', true) IS DISTINCT FROM 'yes' THEN
        {_0002.RAISE};
        PERFORM set_config('kokemus.report_data_raised', 'yes', true);
    END IF;
    IF months <> '' THEN
        INSERT INTO reporting_monthversion (month, number)
        SELECT m, 1 FROM unnest(string_to_array(months, ',')) m ORDER BY m
        ON CONFLICT (month) DO UPDATE SET number = reporting_monthversion.number + 1;
        PERFORM set_config('{SETTING}', '', true);
    END IF;
    RETURN NULL;
END $$;
"""


def _months_of(table: str, rows: str) -> str:
    joins, date = MONTHS[table]
    return (
        f"SELECT DISTINCT to_char({date}, 'YYYY-MM') FROM {rows} r {joins} "
        f"WHERE {date} IS NOT NULL"
    )


def _postgresql_function(table: str) -> str:
    if table in EVERYTHING:
        found = {op: "ARRAY['*']" for op in ("INSERT", "UPDATE", "DELETE")}
    else:
        new, old = _months_of(table, "new_rows"), _months_of(table, "old_rows")
        found = {
            "INSERT": f"ARRAY({new})",
            "DELETE": f"ARRAY({old})",
            "UPDATE": f"ARRAY({new} UNION {old})",
        }
        if table == "agreements_agreement":
            changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in AGREEMENT_FEES)
            found["UPDATE"] += (
                " || ARRAY(SELECT '*' FROM old_rows o JOIN new_rows n ON n.id = o.id "
                f"WHERE {changed} LIMIT 1)"
            )
    # EXECUTE plans each statement's query for its own rows: a plan kept from a large
    # statement (a hash of every assignment) would be reused for every one-row statement after.
    return f"""
CREATE OR REPLACE FUNCTION {TRIGGER}_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reached text[];
BEGIN
    IF TG_OP = 'INSERT' THEN EXECUTE $q$SELECT {found["INSERT"]}$q$ INTO reached;
    ELSIF TG_OP = 'UPDATE' THEN EXECUTE $q$SELECT {found["UPDATE"]}$q$ INTO reached;
    ELSIF TG_OP = 'DELETE' THEN EXECUTE $q$SELECT {found["DELETE"]}$q$ INTO reached;
    ELSE reached := ARRAY['*'];
    END IF;
    PERFORM {TRIGGER}(reached);
    RETURN NULL;
END $$;
"""


def _postgresql(table: str) -> list[str]:
    function = f"{TRIGGER}_{table}()"
    transitions = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
    }
    return [_postgresql_function(table)] + [
        f"CREATE TRIGGER {TRIGGER}_{event} AFTER {event.upper()} ON {table} {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}"
        for event, referencing in transitions.items()
    ] + [
        # fires before the data version's TRUNCATE trigger of 0002 (triggers go by name)
        f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}"
    ]


# SQLite -------------------------------------------------------------------------------------

_MARK = (
    "INSERT INTO reporting_monthversion (month, number) {months} "
    "ON CONFLICT (month) DO UPDATE SET number = number + 1"
)


def _sqlite_months(table: str, event: str, row: str) -> str:
    """The month that the row ``row`` (NEW or OLD) reaches, read from the table itself."""
    if table in EVERYTHING:
        return "SELECT '*', 1 WHERE true"
    joins, date = MONTHS[table]
    months = (
        f"SELECT strftime('%Y-%m', {date}), 1 FROM {table} r {joins} "
        f"WHERE r.id = {row}.id AND {date} IS NOT NULL"
    )
    if table == "agreements_agreement" and (event, row) == ("UPDATE", "NEW"):
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in AGREEMENT_FEES)
        months += f" UNION SELECT '*', 1 WHERE {changed}"
    return months


def _sqlite(table: str) -> list[str]:
    # (when, event, the row): old values before an update or delete, new ones after
    moments = [
        ("AFTER", "INSERT", "NEW"),
        ("BEFORE", "UPDATE", "OLD"),
        ("AFTER", "UPDATE", "NEW"),
        ("BEFORE", "DELETE", "OLD"),
    ]
    return [
        f"CREATE TRIGGER {TRIGGER}_{table}_{when.lower()}_{event.lower()} {when} {event} "
        f"ON {table} BEGIN {_MARK.format(months=_sqlite_months(table, event, row))}; END"
        for when, event, row in moments
    ]


def create_triggers(apps, schema_editor, tables=TABLES):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [_COLLECT, _RAISE]
        statements += [s for table in tables for s in _postgresql(table)]
    elif vendor == "sqlite":
        statements = [s for table in tables for s in _sqlite(table)]
    else:
        raise NotImplementedError(f"no report month version triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor, tables=TABLES):
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            for event in ("insert", "update", "delete", "truncate"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{event} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}_{table}()")
        else:
            for moment in ("after_insert", "before_update", "after_update", "before_delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{table}_{moment}")


def _unmake(apps, schema_editor):
    drop_triggers(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}(text[])")
        schema_editor.execute(_0002.POSTGRESQL_FUNCTION)


def _make(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_month_versions_and_figures")]

    operations = [migrations.RunPython(_make, _unmake, elidable=False)]
