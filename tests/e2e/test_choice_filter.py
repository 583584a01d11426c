"""A long member list gets "Find by name": typing narrows it, ticked members stay in view, and
Enter in the search box does not submit the form."""

import pytest

from supervision.models import GroupMembership
from tests.factories import ExpertFactory, SupervisionGroupFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_finds_a_member_among_many_by_name(page_en, log_in, coordinator):
    page = page_en
    group = SupervisionGroupFactory(name="Iso ryhmä")
    for number in range(20):
        ExpertFactory(first_name=f"Etu{number}", last_name="Joukko")
    kept = ExpertFactory(first_name="Kerttu", last_name="Jäsen")
    GroupMembership.objects.create(group=group, expert=kept)
    wanted = ExpertFactory(first_name="Vilja", last_name="Virtanen")
    ExpertFactory(first_name="Ilmari", last_name="Äijälä")

    log_in(page, coordinator.username)
    page.goto(f"/tyonohjaus/{group.pk}/muokkaa/")

    experts = page.locator("#div_id_experts .form-check")
    assert experts.filter(visible=True).count() == 23
    search = page.get_by_label("Find by name: Experts")
    search.fill("aijala")  # without the accents
    assert experts.filter(visible=True).all_inner_texts() == ["Kerttu Jäsen", "Ilmari Äijälä"]
    search.fill("virt")
    assert experts.filter(visible=True).all_inner_texts() == ["Kerttu Jäsen", "Vilja Virtanen"]
    assert page.get_by_text("2 of 23 shown").is_visible()  # read out (aria-live)
    search.press("Enter")  # filters only: the page stays
    assert page.url.endswith(f"/tyonohjaus/{group.pk}/muokkaa/")

    page.get_by_label("Vilja Virtanen").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/tyonohjaus/{group.pk}/")
    current = GroupMembership.objects.filter(group=group, left_on__isnull=True)
    assert set(current.values_list("expert", flat=True)) == {kept.pk, wanted.pk}
