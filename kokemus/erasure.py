"""Erasing one person from every store that can hold them, for kokemus.privacy.expert_anonymise.

Each function reaches one store; expert_anonymise calls them all in its transaction. What
identifies the person in text (``Traces``) is read before anything is erased. A record that
stays (an agreement, an assignment, a message to a coordinator, an entry of a log) keeps its
shape and loses the person: their name becomes their anonymous name, their contact details and
import key become ``***``. docs/privacy.md "What erasure removes" lists every store.

Roof of the house (tests/test_layers.py): it reaches into the apps' stores.
"""

import functools
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone, translation

from agreements.models import Agreement, Assignment
from feedback.models import ProfessionalFeedback, Reflection
from guidance.models import Goal, Period
from interchange.models import ImportJob, ImportRun
from notifications.models import Message
from orders.models import Offer
from pairs.models import PairLink, PlanStep, WorkPair
from payroll.models import ReportLine
from registry.models import Expert
from supervision.models import SupervisionGroup, SupervisionSession, TopicProposal

REDACTED = "***"
# A shorter value (a two-letter name, a short import key) would match inside unrelated words.
SHORTEST_TRACE = 3
# Text that staff write freely, where a coordinator may have named the expert.
FREE_TEXT = {
    Agreement: ("duties", "notes"),
    Assignment: ("title", "description", "location"),
    SupervisionGroup: ("name",),
    SupervisionSession: ("facilitator", "location", "notes"),
    WorkPair: ("notes",),
    # an hours report's route and costs justify what was paid: kept, without their name
    ReportLine: ("route", "other_costs_description", "return_comment"),
}
# The expert's fields that erasure empties: their values go from the trail too.
ERASED_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "municipality",
    "availability",
    "training_organisation",
    "external_id",
    "user",
)
# Their own words on an hours report: emptied, and masked in the trail of the report's lines.
OWN_WORDS_OF_LINES = ("comment",)
# Objects whose very description is health data (an experience area; an earnings limit, which
# tells of a pension or benefit): named by kind and number, their changes emptied.
HEALTH_DATA = ("experienceconsent", "expertexperience", "earningslimit")

ModelObjects = dict[type[Model], list[int]]


@dataclass(frozen=True)
class Traces:
    """What identifies the expert in text, read before the erasure, and what replaces it."""

    expert_pk: int
    names: tuple[str, ...]  # their whole name as written: "First Last", "Last First"
    first_name: str
    contacts: tuple[str, ...]  # e-mail addresses, the login's username, phone
    key: str  # the import key

    @classmethod
    def of(cls, expert: Expert, user) -> "Traces":
        names = [expert.full_name]
        if expert.first_name and expert.last_name:  # a list's "Last First", not a bare surname
            names.append(f"{expert.last_name} {expert.first_name}")
        contacts = [expert.email, expert.phone]
        if user is not None:
            names.append(user.get_full_name())
            contacts += [user.username, user.email]
        return cls(
            expert_pk=expert.pk,
            names=tuple(_long_enough(names)),
            first_name=expert.first_name,
            contacts=tuple(_long_enough(contacts)),
            key=expert.external_id or "",
        )

    @property
    def anonymous_name(self) -> str:
        """Their name after the erasure, in the active language."""
        return Expert(pk=self.expert_pk, anonymised_at=timezone.now()).full_name

    def searched(self) -> list[str]:
        """What a search over a whole table looks for: values that name them and nobody else
        (not their first name alone, nor the import key, which may be short and common)."""
        return [*self.names, *self.contacts]

    def redact(self, text: str, *, first_name: bool = False) -> str:
        """``text`` with their contact details and import key as ``***`` and their name (with
        ``first_name``, their first name alone too) as their anonymous name."""
        if not text:
            return text
        text = _pattern([*self.contacts, self.key]).sub(REDACTED, text)
        names = [*self.names, self.first_name] if first_name else self.names
        return _pattern(names).sub(self.anonymous_name, text)

    def mentioned_in(self, text: str, *, first_name: bool = False) -> bool:
        return bool(text) and self.redact(text, first_name=first_name) != text


def _long_enough(values: Iterable[str]) -> list[str]:
    return sorted({v.strip() for v in values if v and len(v.strip()) >= SHORTEST_TRACE})


def _spellings(value: str) -> set[str]:
    """A value as stored: plain, HTML-escaped (a message's HTML part), JSON-escaped (the admin
    log and JSON stored as text escape letters such as ä)."""
    return {value, html.escape(value), json.dumps(value)[1:-1]}


def _pattern(values: Iterable[str]) -> re.Pattern:
    return _compiled(tuple(_long_enough(values)))


@functools.lru_cache(maxsize=32)
def _compiled(values: tuple[str, ...]) -> re.Pattern:
    """Any spelling of any value, as a whole word, in any case; longest first, so that the
    full name wins over the first name it begins with."""
    spellings = sorted({s for value in values for s in _spellings(value)}, key=len, reverse=True)
    if not spellings:
        return re.compile(r"(?!)")  # matches nothing
    alternatives = "|".join(re.escape(s) for s in spellings)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _mentioning(fields: Iterable[str], values: Iterable[str]) -> Q:
    """Rows where any of the fields contains any spelling of any value (no row if none)."""
    condition = Q(pk__in=[])
    for field in fields:
        for value in values:
            for spelling in _spellings(value):
                condition |= Q(**{f"{field}__icontains": spelling})
    return condition


def _any_of(pks: list[int]) -> str:
    """Regular-expression alternatives of the ids; one that matches no id when there are none."""
    return "|".join(str(pk) for pk in pks) or "-"


def _redact_json(value, replace):
    """Every string inside a JSON value passed through ``replace``."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        return [_redact_json(item, replace) for item in value]
    if isinstance(value, dict):
        return {key: _redact_json(item, replace) for key, item in value.items()}
    return value


def _of_objects(objects: ModelObjects) -> Q:
    """Log entries (both logs have content_type and object_id) of these objects."""
    condition = Q(pk__in=[])
    for model, pks in objects.items():
        if pks:
            content_type = ContentType.objects.get_for_model(model)
            condition |= Q(content_type=content_type, object_id__in=list(pks))
    return condition


# --- imports: uploads waiting, the journals of applied ones ---------------------------------


def erase_from_imports(traces: Traces) -> None:
    """An upload on its way (interchange.ImportJob) keeps its files and its preview, which
    may name them: every such upload goes, and its coordinator uploads again. An applied
    import's journal keeps the values it replaced, for its undo: their own replaced values
    become ``***`` and their traces in other text are redacted (the erasure moved their
    version on, so no undo can put a value back)."""
    ImportJob.objects.all().delete()
    label = Expert._meta.label_lower
    for pk, journal in ImportRun.objects.values_list("pk", "journal").iterator(chunk_size=20):
        redacted = _redact_json(journal, traces.redact)
        own = redacted.get(label, {}).get("updated", {}).get(str(traces.expert_pk))
        if own:
            own["before"] = {
                name: REDACTED if name in ERASED_FIELDS and value else value
                for name, value in own["before"].items()
            }
        if redacted != journal:
            ImportRun.objects.filter(pk=pk).update(journal=redacted)


# --- the login: sessions, lockout records --------------------------------------------------


def end_sessions(user) -> int:
    """Delete the login's open sessions, found by reading each open session.

    Sessions kept where they cannot be listed (cache or cookie engines) end anyway: they name
    a login that no longer exists. Expired sessions hold only the login's number and go with
    ``manage.py clearsessions``.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    open_sessions = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    theirs = [
        key
        for key, data in open_sessions.values_list("session_key", "session_data").iterator()
        if store().decode(data).get(SESSION_KEY) == str(user.pk)
    ]
    for key in theirs:
        store(session_key=key).delete()  # also from the cache of a cached_db engine
    return len(theirs)


def erase_login_records(usernames: Iterable[str]) -> None:
    """django-axes' attempts, failure log and access log of the username (their e-mail): the
    lockout of a login that is gone protects nothing, and its log is about the person."""
    condition = Q(pk__in=[])
    for username in _long_enough(usernames):
        condition |= Q(username__iexact=username)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(condition).delete()


# --- free text, the outbox, the two logs ---------------------------------------------------


def erase_from_free_text(traces: Traces) -> ModelObjects:
    """Their name, e-mail and phone wherever staff typed them (a session's facilitator, an
    assignment's description). The rows' versions move on, so that a form opened before the
    erasure cannot write the name back. Returns the rows changed."""
    changed = {}
    for model, fields in FREE_TEXT.items():
        changed[model] = []
        for row in model.objects.filter(_mentioning(fields, traces.searched())):
            values = {
                name: traces.redact(getattr(row, name))[: model._meta.get_field(name).max_length]
                for name in fields
            }
            if any(values[name] != getattr(row, name) for name in fields):  # not a mere LIKE
                model.objects.filter(pk=row.pk).update(**values, version=F("version") + 1)
                changed[model].append(row.pk)
    return changed


def erase_from_pairs(*, traces: Traces, expert: Expert) -> None:
    """Their work pairs stay (who worked with whom, and how the plan went) but the professional's
    private links to them stop: the page shows the expert's first name. A plan step's title is
    staff's free text too: one naming them is renamed, and its pair's version moves on so that
    a plan form opened before the erasure cannot write the name back."""
    PairLink.objects.filter(pair__expert=expert, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    steps = []
    for step in PlanStep.objects.filter(_mentioning(("title",), traces.searched())):
        title = traces.redact(step.title)[: PlanStep._meta.get_field("title").max_length]
        if title != step.title:
            step.title = title
            steps.append(step)
    PlanStep.objects.bulk_update(steps, ["title"], batch_size=500)
    pairs = {step.pair_id for step in steps}
    WorkPair.objects.filter(pk__in=pairs).update(version=F("version") + 1)


def erase_own_words(expert: Expert) -> None:
    """What they wrote themselves: the reasons they gave for declining offers and the comments
    on their hours reports (which may say anything, their health too). The offers and the
    reports' figures stay, as the record of who was asked and what was paid. Their topic
    proposals for supervision sessions go whole: they carry no figure."""
    Offer.objects.filter(expert=expert).exclude(reason="").update(reason="")
    TopicProposal.objects.filter(proposed_by=expert).delete()
    ReportLine.objects.filter(participation__expert=expert).exclude(comment="").update(
        comment="", version=F("version") + 1
    )


# What a guide wrote about a client in kokemusohjaus: the goals and the closing note may tell of
# the client and, with the guide's name, single them out. The periods, the outcomes of the goals
# and the pseudonymous client code stay, for the monthly figures.
GUIDANCE_WORDS = {Period: ("closing_note",), Goal: ("text",)}


def erase_guidance_words(expert: Expert) -> None:
    """Their periods' closing notes emptied and their goals' texts ``***``, in the rows and in
    the audit trail of those rows (named there by kind and number: a goal's name is its
    text). The periods' versions move on, so no form opened before can write them back."""
    objects = {
        Period: list(Period.objects.filter(guide=expert).values_list("pk", flat=True)),
        Goal: list(Goal.objects.filter(period__guide=expert).values_list("pk", flat=True)),
    }
    Period.objects.filter(pk__in=objects[Period]).update(closing_note="", version=F("version") + 1)
    Goal.objects.filter(pk__in=objects[Goal]).update(text=REDACTED)
    entries = list(LogEntry.objects.filter(_of_objects(objects)).select_related("content_type"))
    for entry in entries:
        words = GUIDANCE_WORDS[entry.content_type.model_class()]
        entry.changes = {
            field: _masked(values) if field in words else values
            for field, values in (entry.changes or {}).items()
        }
        entry.changes_text = ""
        entry.object_repr = f"{entry.content_type.model} #{entry.object_pk}"
    LogEntry.objects.bulk_update(entries, ["changes", "changes_text", "object_repr"])


def erase_from_feedback(*, traces: Traces, expert: Expert) -> None:
    """Their reflections lose their own words (how it went may tell of their health); the load
    and the wish for a talk stay, as the report's figures do. The contact professionals'
    comments on their assignments lose their name, first name too: a professional knew it."""
    Reflection.objects.filter(participation__expert=expert).exclude(how_it_went="").update(
        how_it_went=""
    )
    comments = ProfessionalFeedback.objects.filter(
        assignment__participations__expert=expert
    ).exclude(comment="")
    for feedback in comments.distinct():
        redacted = traces.redact(feedback.comment, first_name=True)
        if redacted != feedback.comment:
            ProfessionalFeedback.objects.filter(pk=feedback.pk).update(comment=redacted)


def erase_receipts(expert: Expert) -> None:
    """The receipts of their hours reports: files on disk that may show their name and cannot
    be redacted. The lines keep their amounts (what was paid); the files go once the erasure
    is committed, so that a failed erasure loses nothing."""
    lines = ReportLine.objects.filter(participation__expert=expert).exclude(receipt="")
    files = [(line.receipt.storage, line.receipt.name) for line in lines]
    lines.update(receipt="", version=F("version") + 1)

    def delete_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)


def erase_from_outbox(
    *, traces: Traces, user, assignments: list[int], requests: list[int], lines: list[int]
) -> None:
    """Messages to them go; messages to others keep their text with their anonymous name.

    A message to them says nothing the work records do not, and a pending one must not reach
    an address they have taken back. A message to a coordinator that names them (hours reported,
    a withdrawal, an agreement ending, the digest) or to a co-worker on their assignments (who
    saw their first name) stays, sent or still to be sent, without them.
    """
    to_them = Q(user=user) if user is not None else Q(pk__in=[])
    for address in traces.contacts:
        to_them |= Q(to__iexact=address)
    Message.objects.filter(to_them).delete()
    about_them = _mentioning(("subject", "text", "html"), traces.searched())
    # Their co-workers and requesters who booked them know them by first name: the messages
    # of their assignments and requests; the coordinators' news of their hours reports too.
    on_their_work = re.compile(
        rf"^[a-z_]+:(assignment-({_any_of(assignments)})|request-({_any_of(requests)})"
        rf"|line-({_any_of(lines)})):"
    )
    if assignments or requests or lines:
        about_them |= Q(event__regex=on_their_work.pattern)
    fields = ("subject", "text", "html")
    messages = []
    for message in Message.objects.filter(about_them):
        first_name = bool(on_their_work.match(message.event))
        with translation.override(message.language):  # their anonymous name in its language
            redacted = [
                traces.redact(getattr(message, name), first_name=first_name) for name in fields
            ]
        if redacted != [getattr(message, name) for name in fields]:
            message.subject, message.text, message.html = redacted
            message.subject = message.subject[:250]
            messages.append(message)
    Message.objects.bulk_update(messages, fields, batch_size=500)


def erase_from_admin_log(*, traces: Traces, kept: ModelObjects, deleted: ModelObjects) -> None:
    """Django admin's log ("Recent actions"): entries of their objects and entries that name them
    (an assignment whose expert rows an administrator changed). An object that the erasure
    deletes (their login, an experience area) is named by its kind and number."""
    gone = {
        (ContentType.objects.get_for_model(model).pk, str(pk))
        for model, pks in deleted.items()
        for pk in pks
    }
    entries = list(
        AdminLogEntry.objects.filter(
            _of_objects(kept)
            | _of_objects(deleted)
            | _mentioning(("object_repr", "change_message"), traces.searched())
        ).select_related("content_type")
    )
    changed = []
    for entry in entries:
        before = (entry.object_repr, entry.change_message)
        if (entry.content_type_id, entry.object_id) in gone:
            entry.object_repr = f"{entry.content_type.model} #{entry.object_id}"
        else:
            entry.object_repr = traces.redact(entry.object_repr)
        entry.change_message = _redact_change_message(entry.change_message, traces)
        if (entry.object_repr, entry.change_message) != before:
            changed.append(entry)
    AdminLogEntry.objects.bulk_update(changed, ["object_repr", "change_message"], batch_size=500)


def _redact_change_message(change_message: str, traces: Traces) -> str:
    """The admin's change message is JSON naming the fields and the inline rows changed; a
    row that names them (their experience area, their participation) becomes their anonymous
    name, no more."""
    try:
        message = json.loads(change_message)
    except ValueError:  # a plain-text message of an older Django
        return traces.redact(change_message)

    def replace(text: str) -> str:
        return traces.anonymous_name if traces.mentioned_in(text) else text

    redacted = _redact_json(message, replace)
    return change_message if redacted == message else json.dumps(redacted)


def erase_from_audit_trail(*, trail: Q, traces: Traces, user, mentioned: ModelObjects) -> None:
    """The audit trail keeps who did what and when, but no longer whom or which health data.

    Their entries name their object by kind and number; their erased fields read ``***``; a
    consent's or experience area's changes go. Entries of rows whose free text named them lose
    the name. Entries of what they did themselves lose their e-mail (the login goes, so the actor
    goes too).
    """
    if user is not None:
        LogEntry.objects.filter(actor=user).update(actor_email="")
    entries = list(
        LogEntry.objects.filter(trail | _of_objects(mentioned)).select_related("content_type")
    )
    own = set(LogEntry.objects.filter(trail).values_list("pk", flat=True))
    for entry in entries:
        model = entry.content_type.model
        if entry.pk in own:
            entry.object_repr = f"{model} #{entry.object_pk}"
        else:
            entry.object_repr = traces.redact(entry.object_repr)
        if model in HEALTH_DATA:
            entry.changes, entry.changes_text = {}, ""
            continue
        changes = entry.changes or {}
        if model == "expert":
            changes = {
                field: _masked(values) if field in ERASED_FIELDS else values
                for field, values in changes.items()
            }
        elif model == "reportline" and entry.pk in own:
            changes = {
                field: _masked(values) if field in OWN_WORDS_OF_LINES else values
                for field, values in changes.items()
            }
        replace = functools.partial(traces.redact, first_name=entry.pk in own)
        entry.changes = _redact_json(changes, replace) if entry.changes is not None else None
        entry.changes_text = traces.redact(entry.changes_text)
        entry.additional_data = _redact_json(entry.additional_data, replace)
        entry.serialized_data = _redact_json(entry.serialized_data, replace)
    LogEntry.objects.bulk_update(
        entries,
        ["object_repr", "changes", "changes_text", "additional_data", "serialized_data"],
        batch_size=500,
    )


def _masked(values):
    return [REDACTED for _ in values] if isinstance(values, list) else REDACTED
