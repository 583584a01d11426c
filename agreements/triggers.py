"""The participation days' triggers on SQLite (agreements migrations 0007 and 0009), made
after every migrate and dropped before it: they name another table, and SQLite refuses to
rebuild a table that another table's trigger names. PostgreSQL keeps them from the
migrations."""

import importlib

_0007 = importlib.import_module("agreements.migrations.0007_participation_days")
_0009 = importlib.import_module("agreements.migrations.0009_participation_days_late")
TRIGGERS = _0007.SQLITE | _0009.SQLITE


def ensure_sqlite_day_triggers(connection) -> None:
    """Make the triggers of the migrations applied, and the days right again: a migration may
    have written rows while they were away (quick on a development database). After a
    migrate back to before 0007 there are no days to keep."""
    if not _applied(connection, _0007):
        return
    wanted = _0007.SQLITE | (_0009.SQLITE if _applied(connection, _0009) else {})
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        for name, statement in wanted.items():
            if name not in present:
                cursor.execute(statement)
        cursor.execute(_0007.FILL["sqlite"])


def drop_sqlite_day_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _applied(connection, migration) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    name = migration.__name__.rsplit(".", 1)[1]
    return MigrationRecorder(connection).migration_qs.filter(app="agreements", name=name).exists()
