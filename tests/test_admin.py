"""Every admin page an administrator uses opens, in Finnish by default."""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from kokemus.access import Role
from tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    ProfessionalFactory,
    SupervisionGroupFactory,
    SupervisionSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
STALE = "Someone else saved this while you were editing it, so your changes were not saved."
MODEL_ADMINS = [(model._meta.app_label, model._meta.model_name) for model in admin.site._registry]


@pytest.fixture
def objects():
    """One object of each kind, so that change pages and inlines have rows to show."""
    ParticipationFactory()
    AttendanceFactory()
    ExpertExperienceFactory()
    ProfessionalFactory()


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_changelist_and_add_page_open_for_a_superuser(
    app_label, model_name, admin_user, login, objects
):
    client = login(admin_user)
    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert add.status_code in (200, 403)  # 403 only where adding here is turned off on purpose
    model = changelist.context["cl"].model
    first = model.objects.first()
    if first is not None:
        change = client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[first.pk]))
        assert change.status_code == 200


def test_participations_are_added_on_their_assignment_only(admin_user, login):
    response = login(admin_user).get(reverse("admin:agreements_participation_add"))
    assert response.status_code == 403


def test_admin_speaks_finnish_by_default(admin_user, login):
    response = login(admin_user).get(reverse("admin:index"))
    page = response.content.decode()
    assert 'lang="fi"' in page
    assert "Kokemus – ylläpito" in page  # our own header, translated
    assert "Rekisteri" in page  # the registry app's name


def test_search_and_filters_work_on_the_expert_list(admin_user, login):
    participation = ParticipationFactory(agreement__expert__last_name="Hämäläinen")
    response = login(admin_user).get(
        reverse("admin:registry_expert_changelist"), {"q": "Hämäläinen", "kind": "expert"}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [participation.expert]


# --- optimistic lock ---------------------------------------------------------------------------


def _change_form_data(response) -> dict:
    """What the browser sends back from an admin change page left as it was opened."""
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue  # an unticked checkbox or an empty field of an empty row
            if value is True:
                data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = str(value)
    page = response.content.decode()
    assert [name for name in data if f'name="{name}"' not in page] == []  # the page has them all
    return data


def _someone_elses_save(obj) -> None:
    type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)


# (app, model, an object with its related rows, a field the admin changes, the new value)
VERSIONED = [
    ("registry", "expert", ExpertFactory, "phone", "040 999"),
    ("agreements", "agreement", AgreementFactory, "notes", "Muutettu ylläpidossa"),
    ("agreements", "assignment", lambda: ParticipationFactory().assignment, "title", "Uusi"),
    ("supervision", "supervisiongroup", lambda: GroupMembershipFactory().group, "name", "Uusi"),
    ("supervision", "supervisionsession", lambda: AttendanceFactory().session, "location", "Sali"),
]
VERSIONED_IDS = [model for _app, model, *_rest in VERSIONED]


@pytest.mark.parametrize(
    ("app_label", "model_name", "make", "field", "value"), VERSIONED, ids=VERSIONED_IDS
)
def test_admin_change_form_opened_before_another_save_is_refused(
    app_label, model_name, make, field, value, admin_user, login
):
    obj = make()
    before = getattr(obj, field)
    client = login(admin_user)
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    data = _change_form_data(client.get(url))
    assert data["version"] == "1"
    _someone_elses_save(obj)

    response = client.post(url, data | {field: value}, headers=EN)

    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page
    assert value in page  # what the administrator typed stays on the form
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == (before, 2)


@pytest.mark.parametrize(
    ("app_label", "model_name", "make", "field", "value"), VERSIONED, ids=VERSIONED_IDS
)
def test_admin_change_form_saves_and_moves_the_version_on(
    app_label, model_name, make, field, value, admin_user, login
):
    obj = make()
    client = login(admin_user)
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    data = _change_form_data(client.get(url))

    response = client.post(url, data | {field: value}, headers=EN)

    assert response.status_code == 302, response.context["errors"]
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == (value, 2)


def test_admin_refuses_a_changed_session_row_opened_before_another_save(admin_user, login):
    group = SupervisionGroupFactory()
    first, second = SupervisionSessionFactory.create_batch(2, group=group, location="Kirjasto")
    client = login(admin_user)
    url = reverse("admin:supervision_supervisiongroup_change", args=[group.pk])
    data = _change_form_data(client.get(url))
    row = {session.pk: n for n, session in enumerate(group.sessions.all())}
    _someone_elses_save(first)
    _someone_elses_save(second)

    refused = client.post(url, data | {f"sessions-{row[first.pk]}-location": "Sali"}, headers=EN)
    assert refused.status_code == 200
    assert STALE in refused.content.decode()
    first.refresh_from_db()
    assert (first.location, first.version) == ("Kirjasto", 2)

    # Rows left as they were are not saved, so their versions do not matter.
    group_renamed = client.post(url, data | {"name": "Uusi nimi"}, headers=EN)
    assert group_renamed.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.version) == ("Uusi nimi", 2)
    assert set(group.sessions.values_list("location", "version")) == {("Kirjasto", 2)}

    # From a page opened now, the changed row is saved and moves on.
    data = _change_form_data(client.get(url))
    moved = client.post(url, data | {f"sessions-{row[first.pk]}-location": "Sali"}, headers=EN)
    assert moved.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.location, first.version, second.version) == ("Sali", 3, 2)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_admin_takes_a_decimal_comma_in_every_language(admin_user, login, language):
    participation = ParticipationFactory()
    client = login(admin_user)
    url = reverse("admin:agreements_assignment_change", args=[participation.assignment_id])
    data = _change_form_data(client.get(url))
    response = client.post(
        url,
        data | {"hours": "1,5", "participations-0-hours": "0.75"},
        headers={"accept-language": language},
    )
    assert response.status_code == 302
    participation.refresh_from_db()
    assert (participation.assignment.hours, participation.hours) == (
        Decimal("1.50"),
        Decimal("0.75"),
    )


# --- the admin in the administrator's language ----------------------------------------------

# Names spelt the same in English and the language: the product's, and Swedish words.
SPELT_THE_SAME = {"Kokemus", "Administration", "Register", "import"}


def _names_in(language: str) -> dict[str, str]:
    """Every app and model name an administrator meets: the index, and permission names (which
    cover every model, shown in the admin or not)."""
    names = {}
    with translation.override(language):
        for app_config in apps.get_app_configs():
            models = list(app_config.get_models())
            if models:
                names[app_config.label] = str(app_config.verbose_name)
            for model in models:
                options = model._meta
                names[options.label_lower] = str(options.verbose_name)
                names[f"{options.label_lower} (plural)"] = str(options.verbose_name_plural)
    return names


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_app_and_model_has_a_name_in_the_language(language):
    english, translated = _names_in("en"), _names_in(language)
    untranslated = {
        key: name
        for key, name in translated.items()
        if name == english[key] and name not in SPELT_THE_SAME
    }
    assert untranslated == {}


def test_the_admin_index_names_the_packages_apps_in_finnish(admin_user, login):
    page = login(admin_user).get(reverse("admin:index")).content.decode()
    for english in ["Axes", "Audit log", "Otp_Totp", "Access attempts", "Task Results"]:
        assert english not in page
    for finnish in ["Kirjautumisyritykset", "Lokitiedot", "Taustatehtävät"]:
        assert finnish in page


def test_django_sessions_are_not_called_supervision_sessions():
    with translation.override("fi"):
        assert str(Session._meta.verbose_name) == "kirjautumisistunto"


def test_permissions_are_named_in_the_page_language(admin_user, login):
    page = login(admin_user).get(reverse("admin:auth_group_add")).content.decode()
    assert "Rekisteri | kokemustoimija | Voi lisätä" in page
    assert "Kirjautumisyritykset | epäonnistunut kirjautumisyritys | Voi poistaa" in page
    assert "Can add" not in page and "Can view" not in page


def test_the_group_picker_reads_in_finnish(admin_user, login):
    client = login(admin_user)
    page = client.get(reverse("admin:auth_user_change", args=[admin_user.pk])).content.decode()
    assert "Koordinaattori (coordinator)" in page
    script = client.get(reverse("admin:jsi18n")).content.decode()
    # Django's own Finnish leaves the two-list picker's help in English: "Choose ryhmät by…"
    assert "Valitse %s merkitsem\\u00e4ll\\u00e4 ne" in script  # the catalogue escapes ä
    assert "Valitse kaikki %s" in script


@pytest.fixture
def people():
    coordinator = UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])
    member = UserFactory(username="arvioija", groups=[Role.EVALUATION, Role.EXPERT])
    staff = UserFactory(username="yllapitaja", is_staff=True)
    return coordinator, member, staff


def test_the_user_list_shows_each_users_roles_and_filters_by_role(admin_user, login, people):
    coordinator, member, staff = people
    client = login(admin_user)
    url = reverse("admin:auth_user_changelist")
    page = client.get(url).content.decode()
    roles = dict(re.findall(r'>(\w+)</a></th>.*?<td class="field-roles">([^<]*)</td>', page))
    assert roles == {
        "arvioija": "Seuranta- ja arviointiryhmä, Kokemustoimija",
        "koordinaattori": "Koordinaattori",
        "yllapitaja": "Pääkäyttäjä",
        admin_user.username: "Pääkäyttäjä",
    }
    assert '<a href="?role=evaluation">Seuranta- ja arviointiryhmä</a>' in page
    by_role = {
        role: {user.username for user in client.get(url, {"role": role}).context["cl"].result_list}
        for role in ["coordinator", "evaluation", "expert", "admin"]
    }
    assert by_role == {
        "coordinator": {"koordinaattori"},
        "evaluation": {"arvioija"},
        "expert": {"arvioija"},
        "admin": {"yllapitaja", admin_user.username},
    }


@pytest.mark.parametrize("extra", [0, 20])
def test_the_user_list_reads_the_roles_in_fixed_queries(
    admin_user, login, people, extra, django_assert_max_num_queries
):
    UserFactory.create_batch(extra, groups=[Role.EXPERT])
    client = login(admin_user)
    # session, user, count, full count, the page's users, their groups (prefetch), filter
    # choices' counts are off; a savepoint pair around the admin's transaction-free read
    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
