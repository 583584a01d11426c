"""The interchange files of the SPEC: their columns and how each cell is read.

A parser takes a cell as a reader gives it (text from CSV; text, number, date or boolean from
XLSX) and returns the value or raises ``CellError`` with a message a coordinator understands.
Text cells lose their surrounding spaces and one leading apostrophe, the mark the export puts
before text that Excel would take for a formula (kokemus.spreadsheets).

A message may name the cell as ``%(value)s``: ``Column.read`` puts in the cell as it was given,
so that the coordinator sees which value is wrong ("31.2.2024 is not a date").
"""

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, validate_email
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _

from agreements.models import AgreementStatus, AssignmentStatus, ReachedGroup
from feedback.models import TEXT_MAX_LENGTH
from guidance.codes import validate_client_code
from guidance.models import Outcome, PeriodStatus, Place
from kokemus.spreadsheets import from_text
from pairs.models import DoneBy, StepKind
from registry.models import ExpertKind, code_validator
from supervision.models import MAX_TARGET_WEEKS, GroupKind, Seniority

ID_SEPARATOR = "|"
TRUE_WORDS = {"yes", "kyllä", "kylla", "ja", "1", "true", "x"}
FALSE_WORDS = {"no", "ei", "nej", "0", "false", ""}
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")  # 9:30, 14.30 (Finnish), 14:30:00
# Excel in Finnish writes a space (often a no-break space) between thousands.
THOUSANDS_SPACES = str.maketrans("", "", " \u00a0\u202f")


class CellError(Exception):
    pass


SHOWN_CHARACTERS = 40
VALUE = "%(value)s"  # left in a message that is formatted before the cell is known


def shown(value: Any) -> str:
    """A cell as an error message repeats it: as given, shortened if long."""
    text = as_text(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a text column, e.g. a phone number
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_text(value: Any) -> str:
    """The cell as text: trimmed, without the export's text mark, never with a NUL character
    (which no database column holds: PostgreSQL refuses the whole statement)."""
    value = value.strip() if value.__class__ is str else as_text(value)  # CSV: always str
    if "\x00" in value:
        raise CellError(str(ProhibitNullCharactersValidator.message))
    return from_text(value)


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        value = cell_text(value)
        if len(value) > max_length:
            raise CellError(
                _(
                    "The text is too long: at most %(max)s characters, this has %(count)s "
                    "(%(value)s)."
                )
                % {"max": max_length, "count": len(value), "value": VALUE}
            )
        return value

    return parse


def code(value: Any) -> str:
    value = text(50)(value)
    try:
        code_validator(value)
    except ValidationError as error:
        raise CellError(
            _("%(value)s is not a code: %(rule)s")
            % {"value": VALUE, "rule": " ".join(error.messages)}
        ) from error
    return value


def pseudonymous(max_length: int) -> Callable[[Any], str]:
    """A period's client code or key: refused in the form's words when it looks like a
    personal identity code (another system's key for a client often is one)."""
    read = text(max_length)

    def parse(value: Any) -> str:
        value = read(value)
        try:
            validate_client_code(value)
        except ValidationError as error:
            raise CellError(" ".join(error.messages)) from error
        return value

    return parse


def email(value: Any) -> str:
    value = text(254)(value)
    if value:
        try:
            validate_email(value)
        except ValidationError as error:
            raise CellError(_("%(value)s is not a valid e-mail address.")) from error
    return value


def date(value: Any) -> datetime.date | None:
    if value.__class__ is str:
        return _date_from_text(cell_text(value))
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return _date_from_text(as_text(value))


@functools.lru_cache(maxsize=4096)  # a file has few distinct dates; errors are not cached
def _date_from_text(value: str) -> datetime.date | None:
    if not value:
        return None
    if match := ISO_DATE.match(value):
        year, month, day = match.groups()
    elif match := FINNISH_DATE.match(value):
        day, month, year = match.groups()
    else:
        raise CellError(_("%(value)s is not a date: write D.M.YYYY or YYYY-MM-DD."))
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as error:
        raise CellError(_("%(value)s is not a date: that day does not exist.")) from error


def time_of_day(value: Any) -> datetime.time | None:
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    value = cell_text(value)
    if not value:
        return None
    match = TIME.match(value)
    try:
        if match is None:
            raise ValueError
        hour, minute, second = match.groups()
        return datetime.time(int(hour), int(minute), int(second or 0))
    except ValueError as error:
        raise CellError(_("%(value)s is not a time of day: write, for example, 14.30.")) from error


def whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        raise CellError(_("%(value)s is not a whole number."))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    text_value = cell_text(value).translate(THOUSANDS_SPACES)
    if not text_value:
        return None
    if not text_value.isdigit() or len(text_value) > 9:
        raise CellError(_("%(value)s is not a whole number."))
    return int(text_value)


def whole_number_within(low: int, high: int) -> Callable[[Any], int | None]:
    """A whole number from ``low`` to ``high`` (a scale of 1 to 5, weeks of 1 to 52)."""

    def parse(value: Any) -> int | None:
        number = whole_number(value)
        if number is not None and not low <= number <= high:
            raise CellError(
                _("%(value)s is not between %(low)s and %(high)s.")
                % {"value": VALUE, "low": low, "high": high}
            )
        return number

    return parse


WEEKS = whole_number_within(1, MAX_TARGET_WEEKS)
SCALE = whole_number_within(1, 5)  # a load or a rating


def decimal(max_digits: int, places: int) -> Callable[[Any], Decimal | None]:
    exponent = Decimal(1).scaleb(-places)
    too_large = Decimal(10) ** (max_digits - places)

    @functools.lru_cache(maxsize=4096)  # amounts repeat; errors are not cached
    def number_from_text(value: str) -> Decimal | None:
        value = value.translate(THOUSANDS_SPACES).replace(",", ".")
        if not value:
            return None
        try:
            return checked(Decimal(value))
        except InvalidOperation as error:
            raise CellError(_("%(value)s is not a number: write, for example, 2,5.")) from error

    def checked(number: Decimal) -> Decimal:
        if not number.is_finite():
            raise CellError(_("%(value)s is not a number: write, for example, 2,5."))
        rounded = number.quantize(exponent)
        if rounded != number:
            raise CellError(
                _("%(value)s has too many decimals: use at most %(places)s decimal places.")
                % {"value": VALUE, "places": places}
            )
        if abs(rounded) >= too_large:
            raise CellError(_("%(value)s is too large a number."))
        return rounded

    def parse(value: Any) -> Decimal | None:
        if isinstance(value, bool):
            raise CellError(_("%(value)s is not a number: write, for example, 2,5."))
        if isinstance(value, int | float | Decimal):
            return checked(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
        return number_from_text(cell_text(value))

    return parse


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = cell_text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("%(value)s is not yes or no: write yes or no (kyllä or ei, 1 or 0)."))


LABEL_LANGUAGES = ("fi", "sv", "en")


def folded(word: str) -> str:
    """Lower case without accents (ä and å are a, ö is o), as people type without them."""
    decomposed = unicodedata.normalize("NFKD", word.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def choice_words(choices: type[TextChoices]) -> dict[str, str]:
    """Every word a cell may use for a value, folded: its code, and its label as the pages
    show it in Finnish, Swedish and English ("vertaistoimija"), whole or either side of a
    comma ("voimassa" of "allekirjoitettu, voimassa"). A word that two values share means
    neither."""
    values_by_word: dict[str, set[str]] = {}
    for value, label in choices.choices:
        words = {value}
        for language in LABEL_LANGUAGES:
            with translation.override(language):
                text = str(label)
            words.add(text)
            words.update(text.split(","))
        for word in filter(None, map(folded, words)):
            values_by_word.setdefault(word, set()).add(value)
    return {word: values.pop() for word, values in values_by_word.items() if len(values) == 1}


def allowed_values(choices: type[TextChoices]) -> str:
    """The codes with their labels in the page's language, for messages and the template."""
    return ", ".join(f"{value} ({label})" for value, label in choices.choices)


def choice(choices: type[TextChoices]) -> Callable[[Any], str]:
    allowed = frozenset(choices.values)

    def parse(value: Any) -> str:
        value = cell_text(value).lower()
        if value and value not in allowed:
            code = choice_words(choices).get(folded(value))
            if code is None:
                raise CellError(
                    _("%(value)s is not one of the values: %(allowed)s.")
                    % {"value": VALUE, "allowed": allowed_values(choices)}
                )
            return code
        return value

    return parse


def id_list(value: Any) -> list[str]:
    value = cell_text(value)
    if ID_SEPARATOR not in value:
        return [value] if value else []
    ids = [part.strip() for part in value.split(ID_SEPARATOR) if part.strip()]
    if len(set(ids)) == len(ids):
        return ids
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CellError(_("Listed more than once: %(ids)s.") % {"ids": ", ".join(duplicates)})
    return ids


_HOURS = decimal(5, 2)


def hours_list(value: Any) -> list[Decimal | None]:
    """``expert_hours``: entries parallel to ``expert_external_ids``; an empty entry means
    the assignment's hours. The services check the count and range against the row."""
    value = cell_text(value)
    if not value:
        return []
    return [_own_hours(part) for part in value.split(ID_SEPARATOR)]


def _own_hours(entry: str) -> Decimal | None:
    try:
        return _HOURS(entry)
    except CellError as error:  # name the entry, not the whole cell
        raise CellError(str(error).replace(VALUE, shown(entry))) from None


EMPTY_CLASSES = (str, list)  # with None, the values an empty cell parses to


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[Any], Any]
    required: bool = False  # the header must have it and every row a value
    default: Any = None  # an empty optional cell means this

    def read(self, raw: Any) -> Any:
        try:
            value = self.parse(raw)
        except CellError as error:
            raise CellError(str(error).replace(VALUE, shown(raw))) from None
        if value is None or (value.__class__ in EMPTY_CLASSES and not value):
            if self.required:
                raise CellError(_("A value is required."))
            # an empty cell of a column with a default (kind: expert) means the default
            return value if self.default is None else self.default
        return value


@dataclass(frozen=True)
class FileSpec:
    name: str
    key: str
    columns: tuple[Column, ...]
    # A key of several columns (a member: its group and its expert or professional); the
    # columns of the key that a row leaves empty do not count.
    key_columns: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.key_columns or (self.key,)

    def key_text(self, key) -> str:
        """A row's key as messages and the preview show it: ``G1 | E1``."""
        if isinstance(key, tuple):
            # a position is a number; an empty part (a member's other column) is left out
            return f" {ID_SEPARATOR} ".join(str(part) for part in key if part not in ("", None))
        return key

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


# Optional, last, beyond the SPEC's columns: the Swedish and English names. Without them an
# import keeps the names recorded.
TRANSLATED_NAMES = (
    Column("name_sv", text(200), default=""),
    Column("name_en", text(200), default=""),
)
SERVICE_AREAS = FileSpec(
    "service_areas.csv",
    "code",
    (
        Column("code", code, required=True),
        Column("name", text(200), required=True),
        Column("parent_code", text(50), default=""),
        *TRANSLATED_NAMES,
    ),
)
ASSIGNMENT_TYPES = FileSpec(
    "assignment_types.csv",
    "code",
    (
        Column("code", code, required=True),
        Column("name", text(200), required=True),
        *TRANSLATED_NAMES,
        # optional, last: the report's order of types and whether marking one done asks
        # for the people reached; older files keep what is recorded
        Column("sort_order", whole_number_within(0, 32767), default=100),
        Column("records_reach", boolean, default=False),
    ),
)
EXPERTS = FileSpec(
    "experts.csv",
    "external_id",
    (
        Column("external_id", text(50), required=True),
        Column("first_name", text(100), required=True),
        Column("last_name", text(100), required=True),
        Column("email", email, default=""),
        Column("phone", text(40), default=""),
        Column("municipality", text(100), default=""),
        Column("kind", choice(ExpertKind), default=ExpertKind.EXPERT),
        Column("trained", boolean, default=False),
        Column("training_completed_on", date),
    ),
)
AGREEMENTS = FileSpec(
    "agreements.csv",
    "number",
    (
        Column("number", text(50), required=True),
        Column("expert_external_id", text(50), required=True),
        Column("division_code", text(50), required=True),
        Column("signed_on", date),
        Column("valid_from", date, required=True),
        Column("valid_until", date),
        Column("hourly_fee", decimal(8, 2), default=Decimal("0.00")),
        Column("status", choice(AgreementStatus), required=True),
    ),
)
ASSIGNMENTS = FileSpec(
    "assignments.csv",
    "external_id",
    (
        Column("external_id", text(50), required=True),
        Column("type_code", text(50), required=True),
        Column("service_area_code", text(50), required=True),
        Column("date", date, required=True),
        Column("hours", decimal(5, 2), required=True),
        Column("status", choice(AssignmentStatus), required=True),
        Column("expert_external_ids", id_list, required=True),
        Column("title", text(200), required=True),
        Column("expert_hours", hours_list),  # optional, last: older files lack it
        # optional, last, given together: older files lack them
        Column("people_reached", whole_number),
        Column("reached_group", choice(ReachedGroup), default=""),
    ),
)

PROFESSIONALS = FileSpec(
    "professionals.csv",
    "external_id",
    (
        Column("external_id", text(50), required=True),
        Column("first_name", text(100), required=True),
        Column("last_name", text(100), required=True),
        Column("title", text(200), default=""),
        Column("email", email, default=""),
        Column("phone", text(40), default=""),
        Column("service_area_code", text(50), default=""),
        Column("peer_work_experience", text(2000), default=""),
    ),
)
SUPERVISION_GROUPS = FileSpec(
    "supervision_groups.csv",
    "external_id",
    (
        Column("external_id", text(50), required=True),
        Column("name", text(200), required=True),
        Column("kind", choice(GroupKind), required=True),
        Column("division_code", text(50), default=""),
        Column("supervisor_external_id", text(50), default=""),  # professionals.csv
        Column("started_on", date),
        Column("active", boolean, default=True),
        Column("target_interval_weeks", WEEKS),  # optional, last: older files lack it
    ),
)
# A member is an expert or a professional: a row gives exactly one of the two.
MEMBER_COLUMNS = (
    Column("expert_external_id", text(50), default=""),
    Column("professional_external_id", text(50), default=""),
)
SUPERVISION_MEMBERS = FileSpec(
    "supervision_members.csv",
    "group_external_id",
    (
        Column("group_external_id", text(50), required=True),
        *MEMBER_COLUMNS,
        Column("joined_on", date),
        Column("left_on", date),
        # optional, last: older files lack them
        Column("seniority", choice(Seniority), default=""),
        Column("target_interval_weeks", WEEKS),
    ),
    key_columns=("group_external_id", "expert_external_id", "professional_external_id"),
)
SUPERVISION_SESSIONS = FileSpec(
    "supervision_sessions.csv",
    "external_id",
    (
        Column("external_id", text(50), required=True),
        Column("group_external_id", text(50), required=True),
        Column("date", date, required=True),
        Column("start_time", time_of_day),
        Column("duration_minutes", whole_number, default=90),
        Column("facilitator", text(200), default=""),
        Column("place", text(200), default=""),
        Column("topic_codes", id_list),
    ),
)
SUPERVISION_ATTENDANCE = FileSpec(
    "supervision_attendance.csv",
    "session_external_id",
    (
        Column("session_external_id", text(50), required=True),
        *MEMBER_COLUMNS,
        Column("present", boolean, default=True),
    ),
    key_columns=("session_external_id", "expert_external_id", "professional_external_id"),
)
# Feedback after assignments: a reflection belongs to one expert's work on an assignment, a
# professional's feedback to the assignment and the professional who gave it.
FEEDBACK_REFLECTIONS = FileSpec(
    "feedback_reflections.csv",
    "assignment_external_id",
    (
        Column("assignment_external_id", text(50), required=True),
        Column("expert_external_id", text(50), required=True),
        Column("load", SCALE, required=True),
        Column("wants_talk", boolean, default=False),
        Column("how_it_went", text(TEXT_MAX_LENGTH), default=""),
        Column("created_on", date, required=True),
        Column("handled_on", date),
    ),
    key_columns=("assignment_external_id", "expert_external_id"),
)
FEEDBACK_PROFESSIONALS = FileSpec(
    "feedback_professionals.csv",
    "assignment_external_id",
    (
        Column("assignment_external_id", text(50), required=True),
        Column("professional_external_id", text(50), required=True),
        Column("rating", SCALE, required=True),
        Column("comment", text(TEXT_MAX_LENGTH), default=""),
        Column("given_on", date, required=True),
    ),
    key_columns=("assignment_external_id", "professional_external_id"),
)

# --- kokemusohjaus periods and work pairs (issue 20): interchange.guidance_files -------------
GUIDANCE_PERIODS = FileSpec(
    "guidance_periods.csv",
    "external_id",
    (
        Column("external_id", pseudonymous(50), required=True),
        Column("guide_external_id", text(50), required=True),
        Column("client_code", pseudonymous(30), required=True),
        Column("referred_by_external_id", text(50), default=""),  # professionals.csv
        Column("referred_on", date, required=True),
        Column("service_area_code", text(50), required=True),
        Column("started_on", date),
        Column("ended_on", date),
        Column("status", choice(PeriodStatus), required=True),
        Column("closing_note", text(2000), default=""),
    ),
)
GUIDANCE_GOALS = FileSpec(
    "guidance_goals.csv",
    "period_external_id",
    (
        Column("period_external_id", text(50), required=True),
        Column("position", whole_number, required=True),
        Column("text", text(200), required=True),
        Column("outcome", choice(Outcome), default=""),
    ),
    key_columns=("period_external_id", "position"),
)
# A meeting is an assignment of type experience_guidance (assignments.csv gives its date,
# hours and status); this file links it to its period.
GUIDANCE_MEETINGS = FileSpec(
    "guidance_meetings.csv",
    "assignment_external_id",
    (
        Column("period_external_id", text(50), required=True),
        Column("assignment_external_id", text(50), required=True),
        Column("place", choice(Place), required=True),
        Column("is_start", boolean, default=False),
        Column("start_time", time_of_day),
    ),
)
WORK_PAIRS = FileSpec(
    "work_pairs.csv",
    "external_id",
    (
        Column("external_id", text(50), required=True),
        Column("expert_external_id", text(50), required=True),
        Column("professional_external_id", text(50), required=True),
        Column("started_on", date, required=True),
        Column("ended_on", date),
        Column("mentor_expert_external_id", text(50), default=""),
        Column("mentor_professional_external_id", text(50), default=""),
        Column("supervision_group_external_id", text(50), default=""),
        Column("notes", text(5000), default=""),
    ),
)
WORK_PAIR_STEPS = FileSpec(
    "work_pair_steps.csv",
    "pair_external_id",
    (
        Column("pair_external_id", text(50), required=True),
        Column("position", whole_number, required=True),
        Column("kind", choice(StepKind), default=StepKind.INDUCTION),
        Column("title", text(200), required=True),
        Column("due_on", date),
        Column("done_on", date),
        Column("done_by", choice(DoneBy), default=""),
    ),
    key_columns=("pair_external_id", "position"),
)
GUIDANCE_FILES = (GUIDANCE_PERIODS, GUIDANCE_GOALS, GUIDANCE_MEETINGS, WORK_PAIRS, WORK_PAIR_STEPS)
# --- end kokemusohjaus and work pairs ---

# In the order they are imported: each file may refer to the ones before it.
FILES = (
    SERVICE_AREAS,
    ASSIGNMENT_TYPES,
    EXPERTS,
    AGREEMENTS,
    ASSIGNMENTS,
    PROFESSIONALS,
    SUPERVISION_GROUPS,
    SUPERVISION_MEMBERS,
    SUPERVISION_SESSIONS,
    SUPERVISION_ATTENDANCE,
    *GUIDANCE_FILES,
    FEEDBACK_REFLECTIONS,
    FEEDBACK_PROFESSIONALS,
)
FILES_BY_NAME = {spec.name: spec for spec in FILES}
