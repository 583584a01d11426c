"""A large import's foreign keys checked by PostgreSQL all at once instead of row by row.

PostgreSQL checks a foreign key with a query per inserted row (~4.5 µs each): a first import
of 100,000 assignments makes about 1,000,000 of them, 3.7 s of the server's time at commit,
more than half of the import. Dropping those foreign keys at the start of the writes and adding
them again, with the same definitions, before the commit has PostgreSQL check every row of
the table in one join instead (0.1 s for 200,000 participations). The keys are in the schema
whenever another transaction can look: the drop, the writes and the new keys are one
transaction, which no other session sees until it commits, and adding a key fails (and the
import with it) if any row breaks it. The price is the tables' ACCESS EXCLUSIVE lock until
the commit: for the seconds of the writes nobody reads these tables. So only an import that
inserts many rows, compared with those stored, takes this way; if the tables cannot be locked
within LOCK_TIMEOUT (someone is reading them for longer) or the database user may not alter
them, the import checks row by row as before.
"""

import contextlib
from collections.abc import Iterator

from django.db import DatabaseError, connection, transaction
from django.db.models import Model

from agreements.models import Assignment, Participation

MIN_ROWS = 50_000  # inserted rows from which a check at once is worth the tables' lock
# A check at once reads the whole table: ~0.4 µs a stored row against ~14 µs an inserted
# participation row by row (three keys), so it wins while the table holds fewer than ~35
# times the rows inserted; this margin keeps it for the imports that clearly gain.
MAX_STORED_PER_INSERTED = 10
LOCK_TIMEOUT = "1s"  # how long the import waits for the tables before checking row by row
# The keys whose row-by-row checks cost the most. Not created_by or contact: dropping a key
# locks the table it refers to as well, and every request reads auth_user.
KEYS = {Participation: ("assignment", "expert", "agreement"), Assignment: ("type", "service_area")}
# The report's data-version trigger (reporting/migrations/0002_data_version_triggers; a name,
# as interchange does not import reporting): per row it queues an event that only the first
# of the transaction acts on, 310,000 of them (0.25-0.35 s) for 100,000 assignments. With the
# tables locked it is off for the writes and fired once at the end.
VERSION_TRIGGER = "reporting_raise_data_version"


@contextlib.contextmanager
def checked_at_once(inserted_rows: int) -> Iterator[None]:
    """Around an import's writes: on PostgreSQL, when ``inserted_rows`` is large, the KEYS are
    dropped and added again (checking every row) at the end; otherwise nothing changes."""
    dropped = _drop_keys() if _worth_it(inserted_rows) else []
    yield
    if dropped:
        _run_deferred()
        _version_trigger_on()
        _run_deferred()
        _add_keys(dropped)


def _worth_it(inserted_rows: int) -> bool:
    # outside a transaction the drop would be committed at once: never
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    if inserted_rows < MIN_ROWS:
        return False
    return _estimated_rows(Participation) <= MAX_STORED_PER_INSERTED * inserted_rows


def _estimated_rows(model: type[Model]) -> int:
    """The planner's estimate (no count of a large table); -1 before the first ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        return max(cursor.fetchone()[0], 0)


def _definitions() -> list[tuple[str, str, str]]:
    """(table, constraint name, definition) of each key in KEYS, as the schema has them."""
    found = []
    with connection.cursor() as cursor:
        for model, names in KEYS.items():
            table = model._meta.db_table
            columns = [model._meta.get_field(name).column for name in names]
            cursor.execute(
                "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
                "WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND a.attname = ANY (%s) "
                "ORDER BY c.conname",
                [table, columns],
            )
            found += [(table, name, definition) for name, definition in cursor.fetchall()]
    return found


def _drop_keys() -> list[tuple[str, str, str]]:
    """Drop the keys, or none of them if their tables are not free within LOCK_TIMEOUT or
    the user may not alter them (the import then goes on row by row)."""
    definitions = _definitions()
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            (own_timeout,) = cursor.fetchone()
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
            for table, name, _definition in definitions:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for table in _tables():
                cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {VERSION_TRIGGER}")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [own_timeout])
    except DatabaseError:
        return []  # the savepoint's rollback also restored lock_timeout
    return definitions


def _run_deferred() -> None:
    """The deferred checks and triggers of the rows written so far, now: a table with
    pending ones cannot be altered."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _tables() -> list[str]:
    return [model._meta.db_table for model in KEYS]


def _version_trigger_on() -> None:
    """The trigger back on, and fired once by touching a row (a no-op update): the figures'
    version rises as the rows' own events would have raised it."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {VERSION_TRIGGER}")
        table = quote(Assignment._meta.db_table)
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = (SELECT max(id) FROM {table})")


def _add_keys(definitions: list[tuple[str, str, str]]) -> None:
    """Add the keys again; PostgreSQL checks every row now, and a row that breaks one fails
    the import as the commit's check would have."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, name, definition in definitions:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
