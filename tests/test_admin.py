"""Every admin page an administrator uses opens, in Finnish by default."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    AttendanceFactory,
    ExpertExperienceFactory,
    ParticipationFactory,
    ProfessionalFactory,
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
