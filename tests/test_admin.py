"""Every admin page an administrator uses opens, in Finnish by default."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import translation

from kokemus.access import Role
from tests.factories import (
    AttendanceFactory,
    ExpertExperienceFactory,
    ParticipationFactory,
    ProfessionalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

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
