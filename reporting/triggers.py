"""The triggers that raise the report's data version (migrations 0002 and 0003), made sure of
after every migrate: SQLite rebuilds a table when a migration alters it in ways it cannot do in
place (a new NOT NULL or unique column, a constraint), and the rebuilt table has lost its
triggers. PostgreSQL keeps them, so there this finds nothing to do."""

import importlib

_0002 = importlib.import_module("reporting.migrations.0002_data_version_triggers")
_0003 = importlib.import_module("reporting.migrations.0003_triggers_on_newer_figure_tables")

# Every table whose rows the figures read (reporting/selectors.py and the tables it draws on).
FIGURE_TABLES = _0002.FIGURE_TABLES + _0003.TABLES


def tables_with_triggers(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s",
                [_0002.TRIGGER],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{_0002.TRIGGER}_%_insert"],
            )
        return {row[0] for row in cursor.fetchall()}


def ensure_triggers(connection) -> list[str]:
    """Create the triggers of the figure tables that lack them; the tables that did."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return []
    missing = [t for t in FIGURE_TABLES if t not in tables_with_triggers(connection)]
    if missing:
        _0002.create_triggers(None, _Statements(connection), tables=missing)
    return missing


class _Statements:
    """What the migration's functions use of a schema editor: plain statements (SQLite's
    schema editor cannot run inside a transaction, as a test's)."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
