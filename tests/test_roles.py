import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_role_groups_exist_with_their_permissions():
    groups = {group.name: group for group in Group.objects.prefetch_related("permissions")}
    assert set(groups) >= {"coordinator", "evaluation", "expert"}
    coordinator = {p.codename for p in groups["coordinator"].permissions.all()}
    assert {"add_assignment", "change_agreement", "view_expert"} <= coordinator
    assert "delete_expert" not in coordinator  # experts are ended or anonymised, not deleted
    evaluation = {p.codename for p in groups["evaluation"].permissions.all()}
    assert not any(codename.endswith("_expert") for codename in evaluation)
    assert not groups["expert"].permissions.exists()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["coordinator", "evaluation_member", "expert_alice", "admin_user"])
def test_every_role_opens_the_start_page(role, request, login):
    user = request.getfixturevalue(role)
    response = login(user).get(reverse("home"))
    assert response.status_code == 200


def test_user_without_role_is_forbidden(login, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x" * 12)
    assert login(user).get(reverse("home")).status_code == 403


def test_login_page_is_public_and_finnish(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="fi"' in response.content.decode()
