"""import_data and export_data: the SPEC's commands, and the round trip between them."""

import datetime
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, TruncMonth

from agreements.models import Agreement, Assignment, AssignmentStatus, Participation
from guidance.models import Period
from interchange import formats
from pairs.models import WorkPair
from registry.models import AssignmentType, Expert, Professional, ServiceArea
from supervision.models import SupervisionGroup
from tests.factories import AgreementFactory, AssignmentFactory, ExpertFactory, ParticipationFactory
from tests.interchange.conftest import ASSIGNMENTS, SAMPLES, files

pytestmark = pytest.mark.django_db


def _write(folder, pairs):
    for name, data in pairs:
        (folder / name).write_bytes(data)


def test_import_command_reads_a_folder(tmp_path, capsys):
    _write(tmp_path, files())

    call_command("import_data", str(tmp_path))

    assert "assignments.csv: 2 to create, 0 to update, 0 unchanged" in capsys.readouterr().out
    assert Assignment.objects.count() == 2


def test_import_command_names_file_line_and_column_and_writes_nothing(tmp_path, capsys):
    bad = [row[:] for row in ASSIGNMENTS]
    bad[1][4] = "0"
    _write(tmp_path, files(assignments=bad))

    with pytest.raises(CommandError, match="Nothing was imported: 1 errors"):
        call_command("import_data", str(tmp_path))

    assert "assignments.csv:3 [hours]: Hours must be more than zero." in capsys.readouterr().err
    assert not Expert.objects.exists()


def test_import_command_dry_run_writes_nothing(tmp_path):
    _write(tmp_path, files())

    call_command("import_data", str(tmp_path), "--dry-run")

    assert not Expert.objects.exists()


def _monthly_figures() -> list[dict]:
    """Figures per month, type and service area, straight from the rows (finer than the report)."""
    counted = Participation.objects.exclude(assignment__status=AssignmentStatus.CANCELLED)
    hours = Coalesce("hours", "assignment__hours")
    return list(
        counted.annotate(month=TruncMonth("assignment__date"))
        .values("month", "assignment__type__code", "assignment__service_area__code")
        .annotate(
            participations=Count("pk"),
            assignments=Count("assignment", distinct=True),
            experts=Count("expert", distinct=True),
            total_hours=Sum(hours),
            fees=Sum(F("agreement__hourly_fee") * hours),
        )
        .order_by("month", "assignment__type__code", "assignment__service_area__code")
    )


def _new_agreements() -> list:
    return list(
        Agreement.objects.annotate(month=TruncMonth("signed_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )


def _empty_the_database():
    WorkPair.objects.all().delete()  # with their plans
    Period.objects.all().delete()  # with their goals and meetings
    SupervisionGroup.objects.all().delete()  # with its members, sessions and attendance
    Professional.objects.all().delete()
    Participation.objects.all().delete()
    Assignment.objects.all().delete()
    Agreement.objects.all().delete()
    Expert.objects.all().delete()
    ServiceArea.objects.filter(parent__isnull=False).delete()
    ServiceArea.objects.all().delete()
    AssignmentType.objects.all().delete()


def test_round_trip_export_import_into_an_empty_database_gives_the_same_files_and_figures(
    tmp_path,
):
    call_command("import_data", SAMPLES)
    # and rows entered in Kokemus, without external ids
    typed_in = ExpertFactory(external_id=None, first_name="Kirjattu")
    ParticipationFactory(
        agreement=AgreementFactory(
            number="TS-KIRJATTU", expert=typed_in, hourly_fee=Decimal("31.25")
        ),
        assignment=AssignmentFactory(external_id=None, hours=Decimal("1.75")),
        hours=Decimal("1.25"),  # own hours: expert_hours in assignments.csv
    )
    figures, agreements = _monthly_figures(), _new_agreements()
    call_command("export_data", str(tmp_path / "first"))

    _empty_the_database()
    assert not Assignment.objects.exists()
    call_command("import_data", str(tmp_path / "first"))
    call_command("export_data", str(tmp_path / "second"))

    assert _monthly_figures() == figures
    assert _new_agreements() == agreements
    for spec in formats.FILES:
        first = (tmp_path / "first" / spec.name).read_bytes()
        assert first == (tmp_path / "second" / spec.name).read_bytes(), spec.name
    assert Expert.objects.filter(first_name="Kirjattu").count() == 1


def test_export_of_rows_without_external_ids_reimports_into_the_same_database_unchanged(
    tmp_path, capsys
):
    participation = ParticipationFactory(
        agreement=AgreementFactory(expert=ExpertFactory(external_id=None)),
        assignment=AssignmentFactory(external_id=None),
    )
    call_command("export_data", str(tmp_path))

    call_command("import_data", str(tmp_path))

    out = capsys.readouterr().out
    assert "experts.csv: 0 to create, 0 to update, 1 unchanged" in out
    assert "assignments.csv: 0 to create, 0 to update, 1 unchanged" in out
    assert Expert.objects.get().pk == participation.expert_id


def test_export_writes_the_spec_columns_in_order(tmp_path):
    AssignmentFactory(date=datetime.date(2025, 5, 2))
    call_command("export_data", str(tmp_path))

    for spec in formats.FILES:
        header = (tmp_path / spec.name).read_text(encoding="utf-8-sig").splitlines()[0]
        assert header.split(";") == spec.column_names


def test_export_then_import_of_a_copied_sample_folder(tmp_path):
    shutil.copytree(SAMPLES, tmp_path / "samples")
    call_command("import_data", str(tmp_path / "samples"))
    call_command("export_data", str(tmp_path / "out"))

    call_command("import_data", str(tmp_path / "out"))

    assert Assignment.objects.count() == 300


def test_swedish_and_english_names_travel_in_optional_columns(tmp_path, capsys):
    (tmp_path / "assignment_types.csv").write_text(
        "code;name;name_sv;name_en\nwalks;Kävelyryhmä;Promenadgrupp;Walking group\n",
        encoding="utf-8-sig",
    )
    call_command("import_data", str(tmp_path))
    walks = AssignmentType.objects.get(code="walks")
    assert (walks.name, walks.name_sv, walks.name_en) == (
        "Kävelyryhmä",
        "Promenadgrupp",
        "Walking group",
    )

    # a file as the SPEC has it, without the columns, keeps the names recorded
    (tmp_path / "assignment_types.csv").write_text(
        "code;name\nwalks;Kävelyryhmä ulkona\n", encoding="utf-8-sig"
    )
    call_command("import_data", str(tmp_path))
    walks.refresh_from_db()
    assert (walks.name, walks.name_sv) == ("Kävelyryhmä ulkona", "Promenadgrupp")

    call_command("export_data", str(tmp_path / "out"))
    areas = (tmp_path / "out" / "service_areas.csv").read_text(encoding="utf-8-sig")
    assert "home_care;Kotihoito;elderly;Hemvård;Home care" in areas.splitlines()
