"""The coordinator's agreement pages: each rule's refusal and message, each status change,
the concurrent-edit refusal, the list's filters and its constant number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import Agreement, AgreementStatus
from tests.agreements.conftest import EN
from tests.factories import AgreementFactory, ExpertFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def form_data(division, **changes) -> dict:
    data = {
        "number": "TS-2025-010",
        "division": division.pk,
        "valid_from": "2025-01-01",
        "valid_until": "2025-12-31",
        "hourly_fee": "25.00",
        "assignment_fee": "0",
        "travel_compensation": "0.25",
        "duties": "Asiakasraadin jäsen",
        "notes": "",
    }
    return data | changes


def errors_of(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- create -------------------------------------------------------------------------------


def test_new_agreement_from_the_list_asks_for_the_expert_first(
    login, coordinator, expert, django_assert_max_num_queries
):
    anonymised = ExpertFactory(anonymised_at=timezone.now())
    client = login(coordinator)
    listing = client.get(reverse("agreements:agreement_list")).content.decode()
    start = reverse("agreements:agreement_start")
    assert f'href="{start}"' in listing
    with django_assert_max_num_queries(8):
        page = client.get(start, headers=EN).content.decode()
    assert f'<option value="{expert.pk}">Aino Virtanen</option>' in page
    assert f'value="{anonymised.pk}"' not in page  # anonymised experts get no new agreements
    response = client.get(start, {"expert": expert.pk})
    assert response["Location"] == reverse("agreements:agreement_create", args=[expert.pk])


def test_new_agreement_for_no_or_an_unknown_expert_says_so(login, coordinator):
    client = login(coordinator)
    start = reverse("agreements:agreement_start")
    assert errors_of(client.get(start, {"expert": ""}, headers=EN)) == {
        "expert": ["This field is required."]
    }
    errors = errors_of(client.get(start, {"expert": "999999"}, headers=EN))
    assert errors == {
        "expert": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_create_form_suggests_a_number_and_names_the_expert(login, coordinator, expert):
    response = login(coordinator).get(reverse("agreements:agreement_create", args=[expert.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["number"] == f"TS-{timezone.localdate().year}-001"
    assert form.fields["version"].disabled  # nothing to lock before the agreement exists
    assert "Aino Virtanen" in response.content.decode()


def test_create_saves_a_draft_for_the_expert_in_the_url(login, coordinator, expert, division):
    url = reverse("agreements:agreement_create", args=[expert.pk])
    response = login(coordinator).post(url, form_data(division), headers=EN)
    agreement = Agreement.objects.get(number="TS-2025-010")
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:agreement_detail", args=[agreement.pk])
    assert (agreement.expert, agreement.status) == (expert, AgreementStatus.DRAFT)
    assert agreement.hourly_fee == Decimal("25.00")
    assert agreement.signed_on is None


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_fees_take_a_decimal_comma_or_point_in_every_language(
    login, coordinator, expert, division, language
):
    url = reverse("agreements:agreement_create", args=[expert.pk])
    data = form_data(
        division, hourly_fee="25,50", assignment_fee="10.5", travel_compensation="0,25"
    )
    response = login(coordinator).post(url, data, headers={"accept-language": language})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert (agreement.hourly_fee, agreement.assignment_fee, agreement.travel_compensation) == (
        Decimal("25.50"),
        Decimal("10.50"),
        Decimal("0.25"),
    )


def test_create_refuses_validity_ending_before_it_starts_and_keeps_the_input(
    login, coordinator, expert, division
):
    url = reverse("agreements:agreement_create", args=[expert.pk])
    data = form_data(division, valid_from="2025-06-01", valid_until="2025-05-31")
    response = login(coordinator).post(url, data, headers=EN)
    assert response.status_code == 200
    assert errors_of(response) == {
        "valid_until": ["The last day of validity cannot be before the first day, 1.6.2025."]
    }
    page = response.content.decode()
    assert 'href="#id_valid_until"' in page  # the error summary leads to the field
    assert "Asiakasraadin jäsen</textarea>" in page
    assert 'value="2025-05-31"' in page
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("hourly_fee", "Hourly fee (€)"),
        ("assignment_fee", "Fee per assignment (€)"),
        ("travel_compensation", "Travel compensation (€/km)"),
    ],
)
def test_create_refuses_a_negative_fee_naming_it(
    login, coordinator, expert, division, field, label
):
    url = reverse("agreements:agreement_create", args=[expert.pk])
    response = login(coordinator).post(url, form_data(division, **{field: "-1"}), headers=EN)
    assert errors_of(response) == {field: [f"{label} cannot be negative."]}
    assert not Agreement.objects.exists()


def test_create_refuses_a_number_in_use(login, coordinator, expert, division, active):
    url = reverse("agreements:agreement_create", args=[expert.pk])
    response = login(coordinator).post(url, form_data(division, number=active.number), headers=EN)
    assert errors_of(response) == {"number": ["Another agreement already has this number."]}
    assert Agreement.objects.count() == 1


def test_create_shows_a_reused_number_together_with_the_field_errors(
    login, coordinator, expert, division, active
):
    """Every error at once: not the field errors first and the number's on the next try."""
    url = reverse("agreements:agreement_create", args=[expert.pk])
    data = form_data(division, number=active.number, hourly_fee="abc", valid_from="")
    response = login(coordinator).post(url, data, headers=EN)
    assert errors_of(response) == {
        "number": ["Another agreement already has this number."],
        "hourly_fee": ["Enter a number."],
        "valid_from": ["This field is required."],
    }
    assert Agreement.objects.count() == 1


def test_create_shows_every_rule_it_breaks_at_once(login, coordinator, expert, division, active):
    url = reverse("agreements:agreement_create", args=[expert.pk])
    data = form_data(
        division,
        number=active.number,
        valid_from="2025-06-01",
        valid_until="2025-05-31",
        travel_compensation="-1",
    )
    response = login(coordinator).post(url, data, headers=EN)
    assert errors_of(response) == {
        "number": ["Another agreement already has this number."],
        "valid_until": ["The last day of validity cannot be before the first day, 1.6.2025."],
        "travel_compensation": ["Travel compensation (€/km) cannot be negative."],
    }


def test_edit_shows_a_reused_number_together_with_the_field_errors(
    login, coordinator, draft, active, division
):
    url = reverse("agreements:agreement_update", args=[draft.pk])
    data = form_data(division, number=active.number, valid_until="31.13.2025", version=1)
    response = login(coordinator).post(url, data, headers=EN)
    assert errors_of(response) == {
        "number": ["Another agreement already has this number."],
        "valid_until": ["Enter a valid date."],
    }


def test_create_refuses_a_service_as_the_contracting_division(login, coordinator, expert, division):
    service = division.services.create(code="outpatient", name="Avohoito")
    url = reverse("agreements:agreement_create", args=[expert.pk])
    response = login(coordinator).post(url, form_data(service), headers=EN)
    assert list(errors_of(response)) == ["division"]
    assert not Agreement.objects.exists()


def test_no_agreement_for_an_anonymised_expert(login, coordinator, expert):
    expert.anonymised_at = timezone.now()
    expert.save()
    url = reverse("agreements:agreement_create", args=[expert.pk])
    assert login(coordinator).get(url).status_code == 404


# --- edit ---------------------------------------------------------------------------------


def test_edit_changes_a_draft(login, coordinator, draft, division):
    url = reverse("agreements:agreement_update", args=[draft.pk])
    data = form_data(division, number=draft.number, hourly_fee="30,50", version=draft.version)
    response = login(coordinator).post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.hourly_fee, draft.version) == (Decimal("30.50"), 2)


def test_edit_of_a_signed_agreement_goes_back_with_a_message(login, coordinator, active):
    url = reverse("agreements:agreement_update", args=[active.pk])
    response = login(coordinator).get(url, headers=EN, follow=True)
    assert response.redirect_chain == [
        (reverse("agreements:agreement_detail", args=[active.pk]), 302)
    ]
    assert "Only a draft can be edited: this agreement is signed, active." in (
        response.content.decode()
    )


def test_second_of_two_concurrent_edits_is_refused_and_keeps_its_input(
    client, coordinator, draft, division
):
    client.force_login(coordinator)
    url = reverse("agreements:agreement_update", args=[draft.pk])
    first_form = client.get(url).context["form"]
    second_form = client.get(url).context["form"]
    opened = first_form["version"].value()
    assert opened == second_form["version"].value() == 1

    first = form_data(division, number=draft.number, hourly_fee="30", version=opened)
    assert client.post(url, first).status_code == 302
    second = form_data(division, number=draft.number, hourly_fee="40", version=opened)
    response = client.post(url, second, headers=EN)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else saved this while you were editing it, so your changes were not saved. "
        "Reload the page to see their changes, then make yours again."
    ]
    assert 'value="40"' in response.content.decode()  # what the second user typed
    draft.refresh_from_db()
    assert (draft.hourly_fee, draft.version) == (Decimal("30.00"), 2)


# --- sign ---------------------------------------------------------------------------------


def test_sign_makes_a_draft_active_with_the_date(login, coordinator, draft):
    url = reverse("agreements:agreement_sign", args=[draft.pk])
    client = login(coordinator)
    assert client.get(url).context["form"].initial["version"] == 1
    response = client.post(url, {"signed_on": "2024-12-20", "version": 1}, headers=EN, follow=True)
    assert "The agreement TS-2025-001 is signed and in force." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.signed_on) == (AgreementStatus.ACTIVE, datetime.date(2024, 12, 20))


def test_sign_refuses_a_date_in_the_future(login, coordinator, draft):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("agreements:agreement_sign", args=[draft.pk])
    response = login(coordinator).post(url, {"signed_on": tomorrow, "version": 1}, headers=EN)
    assert errors_of(response) == {"signed_on": ["The signing date cannot be in the future."]}
    assert 'href="#id_signed_on"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_sign_needs_the_date(login, coordinator, draft):
    url = reverse("agreements:agreement_sign", args=[draft.pk])
    response = login(coordinator).post(url, {"signed_on": "", "version": 1}, headers=EN)
    assert errors_of(response) == {"signed_on": ["This field is required."]}


def test_sign_refused_when_someone_changed_the_draft_meanwhile(login, coordinator, draft):
    url = reverse("agreements:agreement_sign", args=[draft.pk])
    client = login(coordinator)
    Agreement.objects.filter(pk=draft.pk).update(version=2)  # another coordinator's save
    response = client.post(url, {"signed_on": "2024-12-20", "version": 1}, headers=EN)
    assert "Someone else saved this while you were editing it" in response.content.decode()
    assert 'value="2024-12-20"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_sign_of_a_signed_agreement_is_refused(login, coordinator, active):
    url = reverse("agreements:agreement_sign", args=[active.pk])
    client = login(coordinator)
    assert client.get(url)["Location"] == reverse("agreements:agreement_detail", args=[active.pk])
    response = client.post(url, {"signed_on": "2024-12-20", "version": 1}, headers=EN)
    assert response.context["form"].non_field_errors() == [
        "An agreement that is signed, active cannot be made signed, active."
    ]
    active.refresh_from_db()
    assert active.signed_on == datetime.date(2024, 12, 15)


# --- end and terminate --------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [AgreementStatus.ENDED, AgreementStatus.TERMINATED])
def test_end_or_terminate_sets_status_and_last_day(login, coordinator, active, outcome):
    url = reverse("agreements:agreement_end", args=[active.pk])
    data = {"outcome": outcome, "valid_until": "2025-06-30", "version": 1}
    response = login(coordinator).post(url, data, headers=EN, follow=True)
    active.refresh_from_db()
    assert (active.status, active.valid_until) == (outcome, datetime.date(2025, 6, 30))
    label = AgreementStatus(outcome).label
    assert f"The agreement TS-2025-002 is now {label}." in response.content.decode()


def test_end_refuses_a_last_day_before_the_first(login, coordinator, active):
    url = reverse("agreements:agreement_end", args=[active.pk])
    data = {"outcome": AgreementStatus.ENDED, "valid_until": "2024-12-31", "version": 1}
    response = login(coordinator).post(url, data, headers=EN)
    assert errors_of(response) == {
        "valid_until": ["The last day of validity cannot be before the first day, 1.1.2025."]
    }
    active.refresh_from_db()
    assert active.status == AgreementStatus.ACTIVE


def test_end_refuses_while_later_assignments_depend_on_it(login, coordinator, active):
    ParticipationFactory(agreement=active, assignment__date=datetime.date(2025, 8, 1))
    url = reverse("agreements:agreement_end", args=[active.pk])
    data = {"outcome": AgreementStatus.TERMINATED, "valid_until": "2025-06-30", "version": 1}
    response = login(coordinator).post(url, data, headers=EN)
    assert response.context["form"].non_field_errors() == [
        "The agreement still covers assignments after 30.6.2025. Cancel them or move them first."
    ]
    assert response.context["agreement"].status == AgreementStatus.ACTIVE
    active.refresh_from_db()
    assert (active.status, active.valid_until) == (
        AgreementStatus.ACTIVE,
        datetime.date(2025, 12, 31),
    )


def test_end_needs_a_choice(login, coordinator, active):
    url = reverse("agreements:agreement_end", args=[active.pk])
    data = {"outcome": "", "valid_until": "2025-06-30", "version": 1}
    response = login(coordinator).post(url, data, headers=EN)
    assert list(errors_of(response)) == ["outcome"]
    assert 'href="#id_outcome_0"' in response.content.decode()


def test_a_draft_cannot_be_ended(login, coordinator, draft):
    url = reverse("agreements:agreement_end", args=[draft.pk])
    client = login(coordinator)
    assert client.get(url).status_code == 302
    data = {"outcome": AgreementStatus.ENDED, "valid_until": "2025-06-30", "version": 1}
    response = client.post(url, data, headers=EN)
    assert response.context["form"].non_field_errors() == [
        "An agreement that is draft cannot be made ended."
    ]


def test_end_refused_for_a_stale_form(login, coordinator, active):
    url = reverse("agreements:agreement_end", args=[active.pk])
    Agreement.objects.filter(pk=active.pk).update(version=5)
    data = {"outcome": AgreementStatus.ENDED, "valid_until": "2025-06-30", "version": 1}
    response = login(coordinator).post(url, data, headers=EN)
    assert "Someone else saved this while you were editing it" in response.content.decode()
    active.refresh_from_db()
    assert active.status == AgreementStatus.ACTIVE


# --- detail -------------------------------------------------------------------------------


def test_detail_offers_the_actions_of_its_status(login, coordinator, draft, active):
    client = login(coordinator)
    draft_page = client.get(reverse("agreements:agreement_detail", args=[draft.pk])).content
    active_page = client.get(reverse("agreements:agreement_detail", args=[active.pk])).content
    assert b'id="agreement-sign"' in draft_page and b'id="agreement-edit"' in draft_page
    assert b'id="agreement-end"' not in draft_page
    assert b'id="agreement-end"' in active_page and b'id="agreement-sign"' not in active_page
    assert b"Aino Virtanen" in active_page


# --- PDF ----------------------------------------------------------------------------------


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_holds_the_parties_fees_clauses_and_signature_lines(
    login, coordinator, active, settings
):
    settings.ORGANISATION_NAME = "Soite"
    url = reverse("agreements:agreement_pdf", args=[active.pk])
    response = login(coordinator).get(url, headers=EN)
    assert 'filename="sopimus-TS-2025-002.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    for expected in (
        "Commission agreement TS-2025-002",
        "Soite",
        "Aino Virtanen",
        "Mielenterveyspalvelut",
        "25.00",
        "The agreement is valid from 1.1.2025 to 31.12.2025.",
        "Confidentiality",
        "Signatures",
    ):
        assert expected in text


def pdf_pages(response) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_pdf_keeps_the_signatures_on_the_page_of_an_agreement_that_fits(
    login, coordinator, active, language
):
    # a few lines of duties: the agreement and its signatures fit on one A4
    active.duties = "\n".join(["Luennot, asiakasraadit ja kehittämistyö sovitusti."] * 6)
    active.save()
    url = reverse("agreements:agreement_pdf", args=[active.pk])
    pages = pdf_pages(login(coordinator).get(url, headers={"accept-language": language}))
    assert len(pages) == 1


def test_pdf_never_leaves_the_signatures_alone_on_a_page(login, coordinator, active):
    active.duties = "\n".join(["Luennot, asiakasraadit ja kehittämistyö sovitusti."] * 16)
    active.save()
    url = reverse("agreements:agreement_pdf", args=[active.pk])
    pages = pdf_pages(login(coordinator).get(url, headers=EN))
    assert len(pages) == 2
    assert "Signatures" in pages[1]
    assert "Confidentiality" in pages[1]  # the last clause goes over with them


def test_pdf_follows_the_active_language(login, coordinator, active):
    url = reverse("agreements:agreement_pdf", args=[active.pk])
    text = pdf_text(login(coordinator).get(url))  # Finnish by default
    assert "25,00" in text


def test_pdf_view_is_recorded_in_the_audit_trail(login, coordinator, active):
    login(coordinator).get(reverse("agreements:agreement_pdf", args=[active.pk]))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.object_pk) == (coordinator, str(active.pk))


def test_pdf_of_a_draft_says_it_is_not_signed(login, coordinator, draft):
    url = reverse("agreements:agreement_pdf", args=[draft.pk])
    assert "Draft: not signed" in pdf_text(login(coordinator).get(url, headers=EN))


def test_missing_agreement_is_404(login, coordinator):
    assert (
        login(coordinator).get(reverse("agreements:agreement_pdf", args=[999])).status_code == 404
    )


# --- list ---------------------------------------------------------------------------------


def numbers_on(response) -> list[str]:
    return [agreement.number for agreement in response.context["page_obj"]]


@pytest.mark.parametrize("extra", [1, 30])
def test_list_runs_a_constant_number_of_queries(
    login, coordinator, extra, django_assert_max_num_queries
):
    AgreementFactory.create_batch(extra)
    client = login(coordinator)
    # session, user, groups, count, page of agreements with expert and division, divisions
    with django_assert_max_num_queries(6):
        response = client.get(reverse("agreements:agreement_list"))
    assert len(numbers_on(response)) == min(extra, 25)


def test_list_filters_by_status_division_and_search(login, coordinator, draft, active):
    other = AgreementFactory(number="TS-OTHER", expert__first_name="Eero", expert__last_name="Muu")
    client = login(coordinator)
    url = reverse("agreements:agreement_list")
    assert numbers_on(client.get(url, {"status": "draft"})) == ["TS-2025-001"]
    assert set(numbers_on(client.get(url, {"division": draft.division_id}))) == {
        "TS-2025-001",
        "TS-2025-002",
    }
    assert numbers_on(client.get(url, {"q": "Eero Muu"})) == [other.number]
    assert numbers_on(client.get(url, {"q": "virtanen aino", "status": "active"})) == [
        "TS-2025-002"
    ]


def test_list_filters_agreements_expiring_within_30_days(login, coordinator):
    today = timezone.localdate()
    soon = AgreementFactory(number="SOON", valid_until=today + datetime.timedelta(days=30))
    AgreementFactory(number="LATER", valid_until=today + datetime.timedelta(days=31))
    AgreementFactory(number="PAST", valid_until=today - datetime.timedelta(days=1))
    AgreementFactory(number="OPEN", valid_until=None)
    AgreementFactory(
        number="ENDED", status=AgreementStatus.ENDED, valid_until=today + datetime.timedelta(1)
    )
    client = login(coordinator)
    response = client.get(reverse("agreements:agreement_list"), {"expiring": "on"})
    assert numbers_on(response) == [soon.number]


def test_list_sorts_by_an_allowed_column_only(login, coordinator):
    AgreementFactory(number="B", hourly_fee=Decimal("30"))
    AgreementFactory(number="A", hourly_fee=Decimal("20"))
    client = login(coordinator)
    url = reverse("agreements:agreement_list")
    assert numbers_on(client.get(url, {"sort": "number"})) == ["A", "B"]
    assert numbers_on(client.get(url, {"sort": "-hourly_fee"})) == ["B", "A"]
    assert client.get(url, {"sort": "expert__email"}).context["sort"] == "-valid_from"


def test_the_filter_form_keeps_the_chosen_sort(login, coordinator):
    client = login(coordinator)
    page = client.get(reverse("agreements:agreement_list"), {"sort": "number"}).content.decode()
    start = page.index('role="search"')  # the filter form
    form = page[start : page.index("</form>", start)]
    assert '<input type="hidden" name="sort" value="number">' in form
