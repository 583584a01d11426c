"""A large import has PostgreSQL check its foreign keys at once (interchange.foreign_keys):
the keys come back as they were, a row that breaks one still fails the whole import, and
tables someone is reading leave the checks row by row."""

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections

from agreements.models import Agreement, Assignment, Participation
from interchange import foreign_keys
from interchange.importer import Importer
from interchange.services import import_data
from registry.models import Expert
from reporting.models import MonthVersion
from reporting.stored import current_version
from tests.interchange.conftest import ASSIGNMENTS, files, with_cell

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's foreign keys; run with DATABASE_URL=postgres://…")


@pytest.fixture
def every_import_large(monkeypatch):
    """The tests' two assignments count as a large import; the keys added back are noted."""
    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 1)
    added = []
    add_keys = foreign_keys._add_keys
    monkeypatch.setattr(
        foreign_keys,
        "_add_keys",
        lambda definitions: added.append(definitions) or add_keys(definitions),
    )
    return added


def _keys() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY (%s::regclass[]) "
            "ORDER BY 1, 2",
            [[Participation._meta.db_table, Assignment._meta.db_table]],
        )
        return cursor.fetchall()


def test_a_large_import_checks_its_keys_at_once_and_leaves_them_as_they_were(every_import_large):
    before = _keys()

    result = import_data(files(), dry_run=False)

    assert result.applied
    assert [name for _table, name, _d in every_import_large[0]] == [
        name for _table, name, _d in foreign_keys._definitions()
    ]
    assert len(every_import_large[0]) == 5
    assert _keys() == before
    assert (Assignment.objects.count(), Participation.objects.count()) == (2, 3)


def test_a_row_that_breaks_a_key_fails_the_large_import_and_writes_nothing(
    every_import_large, monkeypatch
):
    before = _keys()
    new_participations = Importer._new_participations

    def one_of_no_expert(self):
        rows = new_participations(self)
        yield {**next(rows), "expert_id": 999_999}
        yield from rows

    monkeypatch.setattr(Importer, "_new_participations", one_of_no_expert)

    with pytest.raises(IntegrityError):
        import_data(files(), dry_run=False)

    assert every_import_large  # the check that failed was the one at once
    assert (Expert.objects.count(), Agreement.objects.count(), Assignment.objects.count()) == (
        0,
        0,
        0,
    )
    assert _keys() == before


def test_tables_someone_is_reading_leave_the_checks_row_by_row(every_import_large, monkeypatch):
    monkeypatch.setattr(foreign_keys, "LOCK_TIMEOUT", "100ms")
    before = _keys()
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"], port=s["PORT"], user=s["USER"], password=s["PASSWORD"], dbname=s["NAME"]
    ) as reader:
        reader.execute("LOCK TABLE registry_expert IN ACCESS SHARE MODE")  # a long report

        result = import_data(files(), dry_run=False)

    assert result.applied and not every_import_large
    assert _keys() == before
    assert Participation.objects.count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] != "100ms"


def test_outside_a_transaction_the_keys_are_never_dropped(every_import_large, monkeypatch):
    monkeypatch.setattr(foreign_keys, "_drop_keys", lambda: pytest.fail("dropped"))
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", False)

    with foreign_keys.checked_at_once(10**6):
        pass


def _april_version() -> int:
    current_version()  # raises what is pending
    return MonthVersion.objects.get(month="2025-04").number


def test_a_large_import_raises_the_reports_data_version_and_leaves_its_trigger_on(
    every_import_large,
):
    import_data(files(), dry_run=False)
    before, april = current_version(), _april_version()
    # only assignments and participations change, the tables whose trigger is off meanwhile
    assignments = with_cell(ASSIGNMENTS, 1, 6, "E1|E2")

    result = import_data(files(assignments=assignments), dry_run=False)

    assert result.counts["assignments.csv"].update == 1 and len(every_import_large) == 2
    assert current_version() > before
    assert _april_version() > april  # the month of the assignment that changed
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgenabled FROM pg_trigger WHERE tgname = %s "
            "AND tgrelid = ANY (%s::regclass[])",
            [foreign_keys.VERSION_TRIGGER, foreign_keys._tables()],
        )
        assert sorted(cursor.fetchall()) == [
            ("agreements_assignment", "O"),
            ("agreements_participation", "O"),
        ]
