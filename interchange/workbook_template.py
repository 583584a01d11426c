"""The import template: an Excel workbook with a sheet for each interchange file, its columns,
an example row and the allowed values, so that a coordinator starts from a file the import
takes as it is.

Each header cell has a note: whether the column is required, what it holds and, where there
is a fixed set, the allowed values (the codes with their labels, or the codes of the service
areas and assignment types recorded in Kokemus). The kind and status columns offer a drop-down
list of the words the page's language uses, which the import accepts as the codes. The example
rows refer to each other and to the default reference data, so the template imports as it is
(one row of each file); the coordinator replaces them with the organisation's own.
"""

import datetime
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from agreements.models import AgreementStatus, AssignmentStatus, ReachedGroup
from guidance.models import Outcome, PeriodStatus, Place
from interchange import formats
from pairs.models import DoneBy, StepKind
from registry.models import AssignmentType, ExpertKind, ServiceArea
from supervision.models import MAX_TARGET_WEEKS, GroupKind, Seniority, SupervisionTopic

CHOICES = {
    (formats.GUIDANCE_PERIODS.name, "status"): PeriodStatus,
    (formats.GUIDANCE_GOALS.name, "outcome"): Outcome,
    (formats.GUIDANCE_MEETINGS.name, "place"): Place,
    (formats.WORK_PAIR_STEPS.name, "kind"): StepKind,
    (formats.WORK_PAIR_STEPS.name, "done_by"): DoneBy,
    (formats.EXPERTS.name, "kind"): ExpertKind,
    (formats.SUPERVISION_GROUPS.name, "kind"): GroupKind,
    (formats.AGREEMENTS.name, "status"): AgreementStatus,
    (formats.ASSIGNMENTS.name, "status"): AssignmentStatus,
    (formats.ASSIGNMENTS.name, "reached_group"): ReachedGroup,
    (formats.SUPERVISION_MEMBERS.name, "seniority"): Seniority,
}
NOTE_SIZE = (180, 320)  # points: wide enough for a list of codes


def word_for(choices, value: str) -> str:
    """A value as the page's language names it, in one word list entry: the label, or its
    first part where it has a comma ("allekirjoitettu" of "allekirjoitettu, voimassa"),
    which the import also takes (formats.choice_words)."""
    return str(choices(value).label).split(",")[0].strip()


def _examples() -> dict[str, dict[str, Any]]:
    return {
        formats.SERVICE_AREAS.name: {
            "code": "mt_esimerkki",
            "name": "Esimerkkipalvelu",
            "parent_code": "mental_health",
            "name_sv": "Exempeltjänst",
            "name_en": "Example service",
        },
        formats.ASSIGNMENT_TYPES.name: {
            "code": "esimerkki",
            "name": "Esimerkkitehtävä",
            "name_sv": "Exempeluppdrag",
            "name_en": "Example assignment",
            "sort_order": 100,
            "records_reach": _("yes"),
        },
        formats.EXPERTS.name: {
            "external_id": "ESIM-1",
            "first_name": "Aino",
            "last_name": "Esimerkki",
            "email": "aino.esimerkki@example.fi",
            "phone": "040 123 4567",
            "municipality": "Kokkola",
            "kind": word_for(ExpertKind, ExpertKind.PEER),
            "trained": _("yes"),
            "training_completed_on": datetime.date(2024, 5, 31),
        },
        formats.AGREEMENTS.name: {
            "number": "TS-ESIM-1",
            "expert_external_id": "ESIM-1",
            "division_code": "mental_health",
            "signed_on": datetime.date(2024, 12, 16),
            "valid_from": datetime.date(2025, 1, 1),
            "valid_until": None,
            "hourly_fee": Decimal("25.00"),
            "status": word_for(AgreementStatus, AgreementStatus.ACTIVE),
        },
        formats.ASSIGNMENTS.name: {
            "external_id": "TEHTAVA-1",
            "type_code": "esimerkki",
            "service_area_code": "mt_esimerkki",
            "date": datetime.date(2025, 3, 10),
            "hours": Decimal("2.5"),
            "status": word_for(AssignmentStatus, AssignmentStatus.DONE),
            "expert_external_ids": "ESIM-1",
            "title": "Esimerkkiluento",
            "expert_hours": None,
            "people_reached": 12,
            "reached_group": word_for(ReachedGroup, ReachedGroup.CLIENTS),
        },
        formats.PROFESSIONALS.name: {
            "external_id": "AMM-1",
            "first_name": "Pekka",
            "last_name": "Esimerkki",
            "title": "sosiaaliohjaaja",
            "email": "pekka.esimerkki@example.fi",
            "phone": "040 765 4321",
            "service_area_code": "mt_esimerkki",
            "peer_work_experience": "Vertaisryhmien ohjaaja vuodesta 2018",
        },
        formats.SUPERVISION_GROUPS.name: {
            "external_id": "RYHMA-1",
            "name": "Esimerkkiryhmä",
            "kind": word_for(GroupKind, GroupKind.JOINT),
            "division_code": "mental_health",
            "supervisor_external_id": "AMM-1",
            "started_on": datetime.date(2025, 1, 15),
            "active": _("yes"),
            "target_interval_weeks": 8,
        },
        formats.SUPERVISION_MEMBERS.name: {
            "group_external_id": "RYHMA-1",
            "expert_external_id": "ESIM-1",
            "professional_external_id": None,
            "joined_on": datetime.date(2025, 1, 15),
            "left_on": None,
            "seniority": word_for(Seniority, Seniority.NEW),
            "target_interval_weeks": 4,
        },
        formats.SUPERVISION_SESSIONS.name: {
            "external_id": "KERTA-1",
            "group_external_id": "RYHMA-1",
            "date": datetime.date(2025, 2, 12),
            "start_time": datetime.time(14, 0),
            "duration_minutes": 90,
            "facilitator": "",
            "place": "Kokkola",
            "topic_codes": "roles_boundaries|coping",
        },
        formats.SUPERVISION_ATTENDANCE.name: {
            "session_external_id": "KERTA-1",
            "expert_external_id": "ESIM-1",
            "professional_external_id": None,
            "present": _("yes"),
        },
        **_guidance_examples(),
        formats.FEEDBACK_REFLECTIONS.name: {
            "assignment_external_id": "TEHTAVA-1",
            "expert_external_id": "ESIM-1",
            "load": 2,
            "wants_talk": _("no"),
            "how_it_went": "Kuulijat kysyivät paljon.",
            "created_on": datetime.date(2025, 3, 11),
            "handled_on": None,
        },
        formats.FEEDBACK_PROFESSIONALS.name: {
            "assignment_external_id": "TEHTAVA-1",
            "professional_external_id": "AMM-1",
            "rating": 5,
            "comment": "Hyödyllinen luento.",
            "given_on": datetime.date(2025, 3, 12),
        },
    }


# --- kokemusohjaus periods and work pairs (issue 20): interchange.guidance_files -------------


def _guidance_examples() -> dict[str, dict[str, Any]]:
    """A period of ESIM-1 whose start meeting is the assignment TEHTAVA-2 of the assignments
    sheet's second example row, and a pair of ESIM-1 and AMM-1."""
    return {
        formats.GUIDANCE_PERIODS.name: {
            "external_id": "JAKSO-1",
            "guide_external_id": "ESIM-1",
            "client_code": "KO-2025-01",
            "referred_by_external_id": "AMM-1",
            "referred_on": datetime.date(2025, 3, 3),
            "service_area_code": "mt_esimerkki",
            "started_on": datetime.date(2025, 3, 12),
            "ended_on": None,
            "status": word_for(PeriodStatus, PeriodStatus.ONGOING),
            "closing_note": "",
        },
        formats.GUIDANCE_GOALS.name: {
            "period_external_id": "JAKSO-1",
            "position": 1,
            "text": "Arjen rytmi",
            "outcome": None,
        },
        formats.GUIDANCE_MEETINGS.name: {
            "period_external_id": "JAKSO-1",
            "assignment_external_id": "TEHTAVA-2",
            "place": word_for(Place, Place.HOME),
            "is_start": _("yes"),
            "start_time": datetime.time(10, 0),
        },
        formats.WORK_PAIRS.name: {
            "external_id": "PARI-1",
            "expert_external_id": "ESIM-1",
            "professional_external_id": "AMM-1",
            "started_on": datetime.date(2025, 2, 1),
            "ended_on": None,
            "mentor_expert_external_id": None,
            "mentor_professional_external_id": "AMM-1",
            "supervision_group_external_id": None,
            "notes": "",
        },
        formats.WORK_PAIR_STEPS.name: {
            "pair_external_id": "PARI-1",
            "position": 1,
            "kind": word_for(StepKind, StepKind.INDUCTION),
            "title": "Tutustuminen toisiimme",
            "due_on": datetime.date(2025, 2, 8),
            "done_on": None,
            "done_by": None,
        },
    }


def _meeting_assignment() -> dict[str, Any]:
    """The example meeting's assignment: a second example row of the assignments sheet."""
    return {
        "external_id": "TEHTAVA-2",
        "type_code": "experience_guidance",
        "service_area_code": "mt_esimerkki",
        "date": datetime.date(2025, 3, 12),
        "hours": Decimal("1.5"),
        "status": word_for(AssignmentStatus, AssignmentStatus.DONE),
        "expert_external_ids": "ESIM-1",
        "title": "Kokemusohjauksen tapaaminen",
        "expert_hours": None,
    }


# --- end kokemusohjaus and work pairs ---


def _kind_of(spec: formats.FileSpec, column: formats.Column) -> str:
    """What a column holds, by its parser, in a sentence."""
    parse = column.parse
    if (spec.name, column.name) in CHOICES:
        return _("The code or the word the pages show, in any case.")
    if parse is formats.date:
        return _("A date: D.M.YYYY or YYYY-MM-DD, or a date cell.")
    if parse is formats.boolean:
        return _("Yes or no: kyllä or ei, ja or nej, yes or no, 1 or 0.")
    if parse is formats.email:
        return _("An e-mail address.")
    if parse is formats.code:
        return _("A code: lowercase letters a–z, digits and underscores.")
    if parse is formats.id_list and column.name == "topic_codes":
        return _("Topic codes, separated by |.")
    if parse is formats.id_list:
        return _("The experts' external_id values, separated by |.")
    if parse is formats.time_of_day:
        return _("A time of day: 14.30 or 14:30, or a time cell.")
    if column.name == "client_code":
        return _("A pseudonymous code such as KO-2025-07: never a name or an identity code.")
    if parse is formats.whole_number:
        return _("A whole number.")
    if parse is formats.WEEKS:
        return _("A whole number of weeks, 1 to %(max)s.") % {"max": MAX_TARGET_WEEKS}
    if column.name == "sort_order":
        return _("A whole number: the report lists the types in this order.")
    if parse is formats.SCALE:
        return _("A whole number, 1 to 5.")
    if column in formats.MEMBER_COLUMNS:
        return _("Give either expert_external_id or professional_external_id.")
    if parse is formats.hours_list:
        return _(
            "Each expert's own hours in the order of expert_external_ids, separated by |; "
            "an empty entry means the assignment's hours."
        )
    if column.name in ("hours", "hourly_fee"):
        return _("A number with a decimal comma or point, e.g. 2,5.")
    return _("Text.")


def _allowed(spec: formats.FileSpec, column: formats.Column) -> str:
    choices = CHOICES.get((spec.name, column.name))
    if choices is not None:
        return _("Allowed: %(values)s.") % {"values": formats.allowed_values(choices)}
    if column.name in ("service_area_code", "parent_code", "division_code"):
        areas = ServiceArea.objects.order_by("code")
        if column.name != "service_area_code":
            areas = areas.filter(parent__isnull=True)
        codes = ", ".join(areas.values_list("code", flat=True))
        return _("In Kokemus now: %(codes)s.") % {"codes": codes}
    if column.name == "type_code":
        codes = ", ".join(AssignmentType.objects.order_by("code").values_list("code", flat=True))
        return _("In Kokemus now: %(codes)s.") % {"codes": codes}
    if column.name == "topic_codes":
        codes = ", ".join(SupervisionTopic.objects.order_by("code").values_list("code", flat=True))
        return _("In Kokemus now: %(codes)s.") % {"codes": codes}
    return ""


def _note(spec: formats.FileSpec, column: formats.Column) -> Comment:
    required = _("Required.") if column.required else _("Optional.")
    text = " ".join(filter(None, [required, _kind_of(spec, column), _allowed(spec, column)]))
    note = Comment(text, "Kokemus")
    note.width, note.height = NOTE_SIZE
    return note


def _drop_down(spec: formats.FileSpec, column: formats.Column) -> DataValidation | None:
    choices = CHOICES.get((spec.name, column.name))
    if choices is not None:
        words = [word_for(choices, value) for value in choices.values]
    elif column.parse is formats.boolean:
        words = [_("yes"), _("no")]
    else:
        return None
    # Offered, not enforced: the codes and the other languages' words are right too.
    return DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(words)),
        allow_blank=True,
        showErrorMessage=False,
    )


def template_workbook() -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    examples = _examples()
    for spec in formats.FILES:
        sheet = workbook.create_sheet(spec.name.removesuffix(".csv"))
        example = examples[spec.name]
        sheet.append(spec.column_names)
        sheet.append([example[name] for name in spec.column_names])
        if spec is formats.ASSIGNMENTS:  # the example meeting's assignment
            meeting_assignment = _meeting_assignment()
            sheet.append([meeting_assignment.get(name) for name in spec.column_names])
        sheet.freeze_panes = "A2"
        for number, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(number)
            header = sheet.cell(row=1, column=number)
            header.font = Font(bold=True)
            header.comment = _note(spec, column)
            sheet.column_dimensions[letter].width = max(len(column.name), 14) + 2
            value = sheet.cell(row=2, column=number)
            if isinstance(example[column.name], datetime.time):
                value.number_format = "h:mm"
            elif isinstance(example[column.name], datetime.date):
                value.number_format = "d.m.yyyy"
            elif isinstance(example[column.name], Decimal):
                value.number_format = "0.00"
            validation = _drop_down(spec, column)
            if validation is not None:
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}1048576")
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()
