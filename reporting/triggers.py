"""The triggers that raise the report's data version (migrations 0002 and 0003) and its
months' versions (0006), made sure of after every migrate: SQLite rebuilds a table when a
migration alters it in ways it cannot do in place (a new NOT NULL or unique column, a
constraint), and the rebuilt table has lost its triggers. PostgreSQL keeps them, so there this
finds nothing to do."""

import importlib

_0002 = importlib.import_module("reporting.migrations.0002_data_version_triggers")
_0003 = importlib.import_module("reporting.migrations.0003_triggers_on_newer_figure_tables")
_0006 = importlib.import_module("reporting.migrations.0006_month_version_triggers")

# Every table whose rows the figures read (reporting/selectors.py and the tables it draws on).
FIGURE_TABLES = _0002.FIGURE_TABLES + _0003.TABLES
# The tables whose changes raise the version of the months they reach (reporting/months.py).
MONTH_TABLES = _0006.TABLES


def tables_with_triggers(connection, name: str = _0002.TRIGGER) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s",
                [f"{name}%"],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{name}_%"],
            )
        return {row[0] for row in cursor.fetchall()}


def ensure_triggers(connection) -> list[str]:
    """Create the triggers of the tables that lack them; the tables that did."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return []
    statements = _Statements(connection)
    missing = [t for t in FIGURE_TABLES if t not in tables_with_triggers(connection)]
    if missing:
        _0002.create_triggers(None, statements, tables=missing)
    without_months = [
        t for t in MONTH_TABLES if t not in tables_with_triggers(connection, _0006.TRIGGER)
    ]
    if missing or without_months:
        # on PostgreSQL 0002 made its own data-version function again, which does not raise
        # the months: 0006 makes its version of it again with the triggers it lacks
        _0006.create_triggers(None, statements, tables=without_months)
    return sorted(set(missing + without_months))


def drop_month_triggers(connection) -> None:
    """Drop the month triggers (before a migrate on SQLite); ensure_triggers makes them again."""
    _0006.drop_triggers(None, _Statements(connection))


class _Statements:
    """What the migration's functions use of a schema editor: plain statements (SQLite's
    schema editor cannot run inside a transaction, as a test's)."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
