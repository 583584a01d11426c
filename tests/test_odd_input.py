"""Odd values never fail the server: every URL answers them with a 4xx, a page or a form error.

The sweep walks every URL pattern (from the resolver, as tests/test_access_matrix.py does), as
each role, and puts each odd value into each path segment, query parameter and form field the
view reads. Which parameters and fields a view reads is not listed by hand: an ordinary request
records every name the view asks ``request.GET`` or ``request.POST`` for, and names that only
appear once others are filled in (a formset's rows) are picked up as the sweep goes.

A request costs tens of milliseconds, so the sweep is frugal where it can be (about 40 s of
CPU per database for both tests):
- The first role that reaches the view gets every value in every name. The values travel
  together, a Latin square: request *i* gives name *j* value ``(i + j) % len(ODD_VALUES)``,
  so each name meets each value once in as many requests as there are values. A request that
  was refused (4xx) may have stopped at one name before reading the others, so its values are
  then sent once more, each name alone. NUL, which one guard refuses wherever it is
  (kokemus.middleware), goes in all names at once, in a request of its own.
- A path segment's value is only sent where the URL pattern's converter accepts it (``<id>``
  takes no letters: the resolver's 404 is the same for all of them), plus a NUL.
- The other roles that reach the view get one row of the square each and an odd value in the
  path; the roles kept out before it (login page, 403) one request with both: nothing they can
  reach may fail either.

The admin reads its list filters from the whole query string, so its change lists are swept
with the parameters of their filters, and its object pages with odd object ids.
"""

import contextlib
import logging
import re
from dataclasses import dataclass, field
from operator import attrgetter
from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter

from kokemus.forms import ModelMultipleIdsField
from registry.models import Expert
from tests.factories import ExpertFactory
from tests.test_access_matrix import (  # noqa: F401 (world: the fixture)
    MATRIX,
    ROLES,
    SKIPPED_NAMESPACES,
    _url_names,
    world,
)

NUL = "\x00"
ODD_VALUES = (  # beside NUL
    "0000-01",
    "9999-12",
    "99999999999999999999",
    "-1",
    "'",
    "%",
    "x" * 3000,
    "Äö €😀",
)
ALL_VALUES = (NUL, *ODD_VALUES)
# A URL kwarg placeholder that every converter accepts, replaced by the odd value afterwards.
PLACEHOLDER = "987654321"
FORM = "application/x-www-form-urlencoded"
KEPT_OUT = ("login", "403")  # MATRIX answers of a role stopped before the view
# A formset told it has 10**20 rows builds as many as it allows; its first row stands for all.
LATER_FORMSET_ROW = re.compile(r"-(?!0-)\d+-")


@dataclass
class NamesRead:
    """The names views asked a QueryDict for, by where they came from."""

    query: set[str] = field(default_factory=set)
    form: set[str] = field(default_factory=set)

    def __ior__(self, other: "NamesRead") -> "NamesRead":
        self.query |= other.query
        self.form |= other.form
        return self


@contextlib.contextmanager
def names_read(client):
    """Record every key a view reads from request.GET or request.POST while this is open."""
    read = NamesRead()
    getitem, getlist, contains = QueryDict.__getitem__, QueryDict._getlist, dict.__contains__
    dicts = {}  # id -> the QueryDict read, to tell GET from POST after the response
    recording = [True]  # not while sorting: request.POST may be made then, and reads itself

    def remember(querydict, key):
        if recording:
            dicts.setdefault(id(querydict), (querydict, set()))[1].add(key)

    def recording_getitem(self, key):
        remember(self, key)
        return getitem(self, key)

    def recording_getlist(self, key, *args, **kwargs):
        remember(self, key)
        return getlist(self, key, *args, **kwargs)

    def recording_contains(self, key):
        remember(self, key)
        return contains(self, key)

    def sort(response):
        recording.clear()
        request = response.wsgi_request
        for querydict, all_keys in dicts.values():
            keys = {key for key in all_keys if not LATER_FORMSET_ROW.search(key)}
            if querydict is request.GET:
                read.query |= keys
            elif querydict is request.POST:
                read.form |= keys
            else:  # a copy: who knows
                read.query |= keys
                read.form |= keys
        dicts.clear()
        recording.append(True)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QueryDict, "__getitem__", recording_getitem)
        patch.setattr(QueryDict, "_getlist", recording_getlist)
        patch.setattr(QueryDict, "__contains__", recording_contains)
        client.after_response = sort
        try:
            yield read
        finally:
            client.after_response = None


def square_row(names, row: int) -> dict[str, str]:
    """Row ``row`` of the Latin square: each name its own value."""
    return {
        name: ODD_VALUES[(row + column) % len(ODD_VALUES)]
        for column, name in enumerate(sorted(names))
    }


class Sweep:
    """The test client as one role: sends requests and keeps those that answered 5xx."""

    def __init__(self, client, user, failures: list):
        self.client, self.user, self.failures = client, user, failures
        self.client.raise_request_exception = False  # a 500 is an answer to collect
        self.client.after_response = None
        self.log_in()

    def log_in(self):
        if self.user is None:
            self.client.logout()
        else:
            self.client.force_login(self.user)

    def send(self, method: str, path: str, data: dict[str, str]):
        if method == "get":
            response = self.client.get(path, data)
        else:
            response = self.client.post(path, urlencode(data), content_type=FORM)
        if self.client.after_response:
            self.client.after_response(response)
        if response.status_code >= 500:
            self.failures.append((str(self.user), response.status_code, method, path, data))
        session = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        if self.user is not None and (session is None or not session.value):
            self.log_in()  # the request logged us out (logout, a password change)
        return response

    def square(self, method: str, path: str, names: set[str], *, alone=frozenset()) -> None:
        """Every value in every name; each name alone again where a request was refused.
        The names in ``alone`` get each value on their own anyway."""
        self.send(method, path, dict.fromkeys(names, NUL))
        for name in alone:
            for value in ODD_VALUES:
                self.send(method, path, {name: value})
        for row in range(len(ODD_VALUES)):
            data = square_row(names, row)
            if 400 <= self.send(method, path, data).status_code < 500 and len(names) > 1:
                for name, value in data.items():
                    self.send(method, path, {name: value})

    def path_segments(self, method: str, name: str, kwargs: dict[str, object]) -> None:
        for kwarg in kwargs:
            template = reverse(name, kwargs=kwargs | {kwarg: PLACEHOLDER})
            for value in ALL_VALUES:
                path = template.replace(PLACEHOLDER, quote(value, safe=""))
                if value == NUL or _resolves(path, name):
                    self.send(method, path, {})


def _resolves(path: str, name: str) -> bool:
    try:
        return resolve(path).view_name == name
    except Resolver404:
        return False


@pytest.fixture
def quiet_and_quick(monkeypatch):
    """The sweep asks for PDFs hundreds of times; what WeasyPrint makes of them is not its
    question (tests/test_pdf.py renders real ones). Nor are the thousands of 4xx warnings."""
    monkeypatch.setattr("kokemus.pdf._write_pdf", lambda html: b"%PDF-1.7\n", raising=False)
    for name in ("django.request", "django.security"):
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "level", logging.ERROR)


def _user(role: str, request):
    return None if role == "anonymous" else request.getfixturevalue(role)


# The cases found by hand, each at its source; the sweeps below look for the ones not found yet.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("reporting:report", {"division": NUL}),
        ("reporting:export", {"division": NUL}),
        ("admin:agreements_agreement_changelist", {"status__exact": NUL}),
    ],
)
def test_a_nul_in_a_query_is_a_bad_request(admin_user, client, name, query):
    client.force_login(admin_user)
    kwargs = {"file_format": "csv"} if name == "reporting:export" else {}

    response = client.get(reverse(name, kwargs=kwargs), query)

    assert response.status_code == 400


@pytest.mark.django_db
def test_a_nul_in_a_path_form_field_or_cookie_is_a_bad_request(client):
    client.cookies["django_language"] = "fi" + NUL

    assert client.get("/oma/kalenteri/%00.ics").status_code == 400
    assert client.get(reverse("login")).status_code == 400
    del client.cookies["django_language"]
    assert client.post(reverse("login"), {"username": NUL, "password": "x"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["0000-01", "9999-12"])
def test_a_month_outside_the_calendar_is_a_form_error(coordinator, client, month):
    client.force_login(coordinator)

    response = client.get(
        reverse("assignments:assignment_list"),
        {"month": month},
        headers={"accept-language": "en"},
    )

    assert response.status_code == 200
    assert "Give the month as YYYY-MM, for example 2025-03." in response.content.decode()


@pytest.mark.django_db
def test_an_id_no_row_can_have_is_not_found(expert_alice, client):
    client.force_login(expert_alice)

    response = client.get(f"/oma/tehtavat/{10**20}/")

    assert response.status_code == 404


def _converters(resolver: URLResolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace in SKIPPED_NAMESPACES:
            continue  # the admin's own URLs and those of its apps (django-otp's)
        yield from pattern.pattern.converters.items()
        if isinstance(pattern, URLResolver):
            yield from _converters(pattern)


def test_every_id_in_a_url_goes_through_the_id_converter():
    """``<int:pk>`` lets 10**20 through to the database (SQLite fails on it); ``<id:pk>``
    answers it with a 404."""
    ints = [
        name for name, converter in _converters(get_resolver()) if type(converter) is IntConverter
    ]
    assert ints == []


@pytest.mark.django_db
def test_an_id_no_row_can_have_is_an_invalid_choice():
    field = ModelMultipleIdsField(queryset=Expert.objects.all())

    with pytest.raises(ValidationError) as refused:
        field.clean(["1", str(10**20)])

    assert refused.value.code == "invalid_pk_value"


@pytest.mark.django_db
def test_a_username_longer_than_axes_stores_is_a_failed_login(client):
    response = client.post(reverse("login"), {"username": "x" * 300, "password": "y"})

    assert response.status_code == 200  # the form again, with its message
    assert AccessAttempt.objects.get().username == "x" * 255


@pytest.mark.django_db
def test_a_next_that_looks_like_a_view_name_is_followed_as_a_path(coordinator, client):
    client.force_login(coordinator)
    expert = ExpertFactory()

    response = client.post(reverse("portal:calendar_revoke", args=[expert.pk]), {"next": "0000-01"})

    assert response.status_code == 302
    assert response["Location"] == "0000-01"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(_url_names(get_resolver())))
def test_odd_values_get_a_client_error_or_a_page(name, request, client, quiet_and_quick):
    objects = request.getfixturevalue("world")  # the access matrix's, owned by Alice
    row = MATRIX[name]
    kwargs = {key: attrgetter(path)(objects) for key, path in row.kwargs.items()}
    path = reverse(name, kwargs=kwargs)
    answers = row.answers()
    reaching = [role for role in ROLES if answers[role] not in KEPT_OUT]
    failures = []

    sweep = Sweep(client, _user(reaching[0], request), failures)
    with names_read(client) as names:
        methods = [m for m in ("get", "post") if sweep.send(m, path, {}).status_code != 405]
        swept = NamesRead()
        for method in methods:
            sweep.path_segments(method, name, kwargs)
        # Until no new name turns up: a formset's rows appear once its management form is
        # filled in.
        while names.query - swept.query or names.form - swept.form:
            new = NamesRead(names.query - swept.query, names.form - swept.form)
            swept |= new
            if new.query and "get" in methods:
                sweep.square("get", path, new.query)
            if new.form and "post" in methods:
                sweep.square("post", path, new.form)

    for index, role in enumerate(ROLES):
        user = _user(role, request)
        if role == reaching[0] or (user and not type(user).objects.filter(pk=user.pk).exists()):
            continue  # swept already, or anonymised by the sweep (which removes the login)
        sweep = Sweep(client, user, failures)
        odd_path = reverse(name, kwargs=dict.fromkeys(kwargs, PLACEHOLDER)) if kwargs else path
        odd_path = odd_path.replace(
            PLACEHOLDER, quote(ALL_VALUES[index % len(ALL_VALUES)], safe="")
        )
        row = square_row(names.query | names.form, index)
        if role in reaching:
            sweep.send("get", odd_path, {})
            for method in methods:
                sweep.send(method, path, row)
        else:  # stopped before the view: one request with everything odd is enough
            sweep.send("get", odd_path, row)
    assert failures == []


def _filter_parameters(model_admin, user) -> tuple[set[str], set[str]]:
    """The change list's parameters, and among them those of filters written by hand (ours
    and the apps'), which get each value alone: Django's own refuse an odd value with a
    redirect to ``?e=1`` before the next filter runs, which would hide the next one's answer."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names, hand_written = {"q", "o", "p", "all", "_to_field", "_popup"}, set()
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
        if isinstance(spec, SimpleListFilter):
            hand_written.update(spec.expected_parameters())
    return names, hand_written


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model_admin", admin.site._registry.values(), ids=lambda m: m.opts.label_lower
)
def test_odd_values_in_the_admin(model_admin, request, admin_user, client, quiet_and_quick):
    request.getfixturevalue("world")  # rows to list and filter
    failures = []
    sweep = Sweep(client, admin_user, failures)
    info = model_admin.opts.app_label, model_admin.opts.model_name
    names, hand_written = _filter_parameters(model_admin, admin_user)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    sweep.square("get", changelist, names, alone=hand_written)
    change = reverse("admin:{}_{}_change".format(*info), args=[PLACEHOLDER])
    for value in ALL_VALUES:
        sweep.send("get", change.replace(PLACEHOLDER, quote(value, safe="")), {})
    assert failures == []
