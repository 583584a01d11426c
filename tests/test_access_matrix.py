"""The access-control matrix: every URL pattern of the project, who may open it, and how.

Each URL name has one row: the HTTP method, how to build its kwargs from the ``world`` below
(objects owned by Alice) and the expected answer for each role, in the order of ``ROLES``:

    login  the anonymous user is sent to the login page (302 to LOGIN_URL)
    200    the page (or 302 for a POST that redirects after its work)
    403    the role has no access
    404    another expert's object: never a page, never a name

A URL pattern that is not in the table fails ``test_every_url_pattern_is_in_the_matrix``;
``test_matrix_agrees_with_the_views_roles`` cross-checks each row against the roles that
``@role_required`` declared on the view. To add a URL: add one line to MATRIX.
"""

import datetime
from decimal import Decimal
from operator import attrgetter
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, resolve, reverse

from agreements.models import AgreementStatus
from interchange.models import ImportJob, ImportRun
from kokemus.access import has_role
from payroll import services as payroll_services
from portal.services import calendar_token_regenerate
from registry.models import AssignmentType
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AttendanceFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    SessionSeriesFactory,
    SupervisionSessionFactory,
    TopicProposalFactory,
)
from tests.feedback.factories import FeedbackLinkFactory, ReflectionFactory
from tests.guidance.factories import PeriodFactory, started_period
from tests.orders.factories import OfferFactory, RequestFactory, StatusLinkFactory
from tests.pairs.factories import PairLinkFactory, PlanStepFactory

ROLES = (
    "anonymous",
    "expert_alice",
    "expert_bob",
    "evaluation_member",
    "coordinator",
    "admin_user",
)
# URL namespaces not walked: Django's admin checks is_staff itself (tests/test_admin.py).
SKIPPED_NAMESPACES = {"admin"}
FAR_FUTURE = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)  # orders: offers still open
# Views behind the login that have no @role_required on purpose, with the reason.
WITHOUT_ROLES = {"logout": "Django's LogoutView: any logged-in user may log out"}


class Row:
    """Expected answers per role (in ROLES order), the method, and URL kwargs as world paths."""

    def __init__(self, expected: str, method: str, **kwargs: str):
        self.expected = expected
        self.method = method
        self.kwargs = kwargs  # URL kwarg -> attribute path in the world, e.g. "agreement.pk"

    def __repr__(self):
        return f"Row({self.expected!r}, {self.method!r}, **{self.kwargs!r})"

    def answers(self) -> dict[str, str]:
        answers = self.expected.split()
        assert len(answers) == len(ROLES), self
        return dict(zip(ROLES, answers, strict=True))


# fmt: off
MATRIX: dict[str, Row] = {
    # url name                       anon  alice bob eval coord admin   method  URL kwargs
    "accessibility_statement":       Row("200   200 200 200 200 200", "get"),
    "home":                          Row("login 200 200 200 200 200", "get"),
    "login":                         Row("200   302 302 302 302 302", "get"),
    "logout":                        Row("login 302 302 302 302 302", "post"),
    "password_reset":                Row("200   200 200 200 200 200", "get"),
    "password_reset_done":           Row("200   200 200 200 200 200", "get"),
    "password_reset_confirm":        Row("200   200 200 200 200 200", "get", uidb64="x", token="x"),
    "password_reset_complete":       Row("200   200 200 200 200 200", "get"),
    "set_language":                  Row("302   302 302 302 302 302", "post"),
    "two_factor_setup":              Row("login 403 403 403 200 200", "get"),
    "two_factor_verify":             Row("login 302 302 302 302 302", "get"),  # no device: home
    # --- agreements (coord-c) ---
    "agreements:agreement_create":   Row("login 403 403 403 200 200", "get", expert_pk="alice.pk"),
    "agreements:agreement_detail":   Row("login 403 403 403 200 200", "get", pk="agreement.pk"),
    "agreements:agreement_end":      Row("login 403 403 403 200 200", "get", pk="agreement.pk"),
    "agreements:agreement_start":    Row("login 403 403 403 200 200", "get"),
    "agreements:agreement_list":     Row("login 403 403 403 200 200", "get"),
    "agreements:agreement_pdf":      Row("login 403 403 403 200 200", "get", pk="agreement.pk"),
    "agreements:agreement_sign":     Row("login 403 403 403 200 200", "get", pk="draft.pk"),
    "agreements:agreement_update":   Row("login 403 403 403 200 200", "get", pk="draft.pk"),
    # --- end agreements (coord-c) ---
    "portal:my_page":                Row("login 200 200 403 403 403", "get"),
    "portal:assignment_detail":      Row("login 200 404 403 403 403", "get", pk="assignment.pk"),
    "portal:assignment_report":      Row("login 200 404 403 403 403", "post", pk="assignment.pk"),
    "portal:assignment_withdraw":    Row("login 302 404 403 403 403", "post", pk="assignment.pk"),
    "portal:agreement_list":         Row("login 200 200 403 403 403", "get"),
    "portal:agreement_pdf":          Row("login 200 404 403 403 403", "get", pk="agreement.pk"),
    "portal:supervision":            Row("login 200 200 403 403 403", "get"),
    "portal:session_topics":         Row("login 200 404 403 403 403", "get", pk="coming_session.pk"),  # noqa: E501
    "portal:contact_details":        Row("login 200 200 403 403 403", "get"),
    "portal:consent_withdraw":       Row("login 302 404 403 403 403", "post", pk="consent.pk"),
    "portal:fees":                   Row("login 200 200 403 403 403", "get"),
    "portal:fee_statement_pdf":      Row("login 200 200 403 403 403", "get"),
    "portal:calendar_regenerate":    Row("login 302 302 403 403 403", "post"),
    "portal:calendar_revoke_own":    Row("login 302 302 403 403 403", "post"),
    "portal:calendar_feed":          Row("200   200 200 200 200 200", "get", token="token.token"),
    "portal:calendar_revoke":        Row("login 403 403 403 302 302", "post", expert_pk="alice.pk"),
    "portal:invite":                 Row("login 403 403 403 200 200", "get", expert_pk="guest.pk"),
    "notifications:preferences":     Row("login 200 200 403 200 200", "get"),
    # --- coord-b: assignments and supervision (coordinators only) ---
    "assignments:assignment_copy":   Row("login 403 403 403 200 200", "get", pk="assignment.pk"),
    "assignments:assignment_create": Row("login 403 403 403 200 200", "get"),
    "assignments:assignment_detail": Row("login 403 403 403 200 200", "get", pk="assignment.pk"),
    "assignments:assignment_list":   Row("login 403 403 403 200 200", "get"),
    "assignments:assignment_status": Row("login 403 403 403 302 302", "post", pk="assignment.pk"),
    "assignments:assignment_update": Row("login 403 403 403 200 200", "get", pk="assignment.pk"),
    "supervision:coverage":          Row("login 403 403 403 200 200", "get"),
    "supervision:coverage_add_member": Row("login 403 403 403 302 302", "post"),
    "supervision:group_create":      Row("login 403 403 403 200 200", "get"),
    "supervision:group_detail":      Row("login 403 403 403 200 200", "get", pk="group.pk"),
    "supervision:group_list":        Row("login 403 403 403 200 200", "get"),
    "supervision:group_update":      Row("login 403 403 403 200 200", "get", pk="group.pk"),
    "supervision:session_create":    Row("login 403 403 403 200 200", "get", group_pk="group.pk"),
    "supervision:session_update":    Row("login 403 403 403 200 200", "get", pk="session.pk"),
    "supervision:proposal_take_up":  Row("login 403 403 403 302 302", "post", pk="proposal.pk"),
    "supervision:series_create":     Row("login 403 403 403 200 200", "get", group_pk="group.pk"),
    "supervision:series_update":     Row("login 403 403 403 200 200", "get", pk="series.pk"),
    "supervision:series_end":        Row("login 403 403 403 302 302", "post", pk="series.pk"),
    "supervision:membership_update": Row("login 403 403 403 200 200", "get", pk="membership.pk"),
    # --- end coord-b ---
    # --- registry: the coordinator's expert pages (coord-a) ---
    "registry:expert_anonymise":     Row("login 403 403 403 200 200", "get", pk="alice.pk"),
    "registry:expert_consent":       Row("login 403 403 403 200 200", "get", pk="alice.pk"),
    "registry:expert_consent_withdraw": Row("login 403 403 403 302 302", "post", pk="alice.pk"),
    "registry:expert_create":        Row("login 403 403 403 200 200", "get"),
    "registry:expert_data_json":     Row("login 403 403 403 200 200", "get", pk="alice.pk"),
    "registry:expert_data_pdf":      Row("login 403 403 403 200 200", "get", pk="alice.pk"),
    "registry:expert_detail":        Row("login 403 403 403 200 200", "get", pk="alice.pk"),
    "registry:expert_list":          Row("login 403 403 403 200 200", "get"),
    "registry:expert_trail":         Row("login 403 403 403 200 200", "get", pk="alice.pk"),
    "registry:expert_fees":          Row("login 403 403 403 200 200", "get", pk="alice.pk"),
    "registry:expert_update":        Row("login 403 403 403 200 200", "get", pk="alice.pk"),
    # --- end registry ---
    # interchange: import from spreadsheets (coordinators)
    "interchange:upload":            Row("login 403 403 403 200 200", "get"),
    "interchange:template":          Row("login 403 403 403 200 200", "get"),
    # an upload is its uploader's own: another coordinator (the admin here) gets 404
    "interchange:job":               Row("login 403 403 403 200 404", "get", pk="import_job.pk"),
    "interchange:job_status":        Row("login 403 403 403 200 404", "get", pk="import_job.pk"),
    "interchange:job_map":           Row("login 403 403 403 302 404", "post", pk="import_job.pk"),
    "interchange:job_confirm":       Row("login 403 403 403 302 404", "post", pk="import_job.pk"),
    "interchange:run_undo":          Row("login 403 403 403 200 200", "get", pk="import_run.pk"),
    # --- reporting: the monthly follow-up (figures only) ---
    "reporting:export":              Row("login 403 403 200 200 200", "get", file_format="report_format"),  # noqa: E501
    "reporting:report":              Row("login 403 403 200 200 200", "get"),
    # --- end reporting ---
    # --- payroll: hours reports, payroll runs, earnings limits (coordinators; receipts and
    # statements also for their own expert) ---
    "payroll:approval_list":         Row("login 403 403 403 200 200", "get"),
    "payroll:lines_approve":         Row("login 403 403 403 302 302", "post"),
    "payroll:line_detail":           Row("login 403 403 403 200 200", "get", pk="line.pk"),
    "payroll:line_return":           Row("login 403 403 403 200 200", "post", pk="line.pk"),
    "payroll:line_correct":          Row("login 403 403 403 200 200", "post", pk="line.pk"),
    "payroll:line_receipt":          Row("login 200 404 403 200 200", "get", pk="line.pk"),
    "payroll:report_for":            Row("login 403 403 403 200 200", "get", participation_pk="participation.pk"),  # noqa: E501
    "payroll:run_list":              Row("login 403 403 403 200 200", "get"),
    "payroll:run_create":            Row("login 403 403 403 302 302", "post"),
    "payroll:run_detail":            Row("login 403 403 403 200 200", "get", pk="run.pk"),
    "payroll:run_export":            Row("login 403 403 403 302 302", "post", pk="run.pk"),
    "payroll:run_discard":           Row("login 403 403 403 302 302", "post", pk="run.pk"),
    "payroll:run_file":              Row("login 403 403 403 200 200", "get", pk="run.pk", file_format="report_format"),  # noqa: E501
    "payroll:run_statement":         Row("login 403 403 403 200 200", "get", pk="run.pk", expert_pk="alice.pk"),  # noqa: E501
    "payroll:my_statement":          Row("login 200 404 403 403 403", "get", pk="run.pk"),
    "payroll:limit_list":            Row("login 403 403 403 200 200", "get"),
    "payroll:limit_edit":            Row("login 403 403 403 200 200", "get", expert_pk="alice.pk"),
    "payroll:limit_delete":          Row("login 403 403 403 302 302", "post", expert_pk="alice.pk"),
    # --- end payroll ---
    # --- orders: the public form and status link, the coordinators' queue, the expert's offers ---
    "ordering:form":                 Row("200   200 200 200 200 200", "get"),
    "ordering:thanks":               Row("200   200 200 200 200 200", "get"),
    "ordering:status":               Row("200   200 200 200 200 200", "get", token="order_link.token"),  # noqa: E501
    "orders:request_list":           Row("login 403 403 403 200 200", "get"),
    "orders:request_detail":         Row("login 403 403 403 200 200", "get", pk="order.pk"),
    "orders:offer_create":           Row("login 403 403 403 200 200", "post", pk="order.pk"),  # form errors  # noqa: E501
    "orders:open_call":              Row("login 403 403 403 200 200", "post", pk="order.pk"),  # form errors  # noqa: E501
    "orders:volunteers_book":        Row("login 403 403 403 302 302", "post", pk="order.pk"),
    "orders:request_decline":        Row("login 403 403 403 302 302", "post", pk="order.pk"),
    "orders:request_withdraw":       Row("login 403 403 403 302 302", "post", pk="order.pk"),
    "orders:link_revoke":            Row("login 403 403 403 302 302", "post", pk="order.pk"),
    "orders:link_renew":             Row("login 403 403 403 302 302", "post", pk="order.pk"),
    "offers:offer_detail":           Row("login 200 404 403 403 403", "get", pk="offer.pk"),
    "offers:offer_answer":           Row("login 200 404 403 403 403", "post", pk="offer.pk"),  # no answer  # noqa: E501
    # --- end orders ---
    # --- pairs: the coordinators' pages, the expert's own pairs, the professional's plan ---
    "pairs:pair_list":               Row("login 403 403 403 200 200", "get"),
    "pairs:pair_create":             Row("login 403 403 403 200 200", "get"),
    "pairs:pair_detail":             Row("login 403 403 403 200 200", "get", pk="pair.pk"),
    "pairs:pair_update":             Row("login 403 403 403 200 200", "get", pk="pair.pk"),
    "pairs:plan_edit":               Row("login 403 403 403 200 200", "get", pk="pair.pk"),
    "pairs:step_tick":               Row("login 403 403 403 302 302", "post", pk="pair.pk"),
    "pairs:link_send":               Row("login 403 403 403 302 302", "post", pk="pair.pk"),
    "pairs:link_revoke":             Row("login 403 403 403 302 302", "post", pk="pair.pk"),
    "my_pairs:pair_list":            Row("login 200 200 403 403 403", "get"),
    "my_pairs:pair_detail":          Row("login 200 404 403 403 403", "get", pk="pair.pk"),
    "my_pairs:step_tick":            Row("login 302 404 403 403 403", "post", pk="pair.pk"),
    "pair_link:plan":                Row("200   200 200 200 200 200", "get", token="pair_link.token"),  # noqa: E501
    # --- end pairs ---
    # --- guidance: kokemusohjaus periods (a guide their own; coordinators all) ---
    "guidance:period_list":          Row("login 200 200 403 200 200", "get"),
    "guidance:period_create":        Row("login 403 403 403 200 200", "get"),
    "guidance:period_from_request":  Row("login 403 403 403 200 200", "get", request_pk="guidance_order.pk"),  # noqa: E501
    "guidance:period_detail":        Row("login 200 404 403 200 200", "get", pk="period.pk"),
    "guidance:period_update":        Row("login 403 403 403 200 200", "get", pk="period.pk"),
    "guidance:period_start":         Row("login 200 404 403 200 200", "get", pk="referral.pk"),
    "guidance:meeting_create":       Row("login 200 404 403 200 200", "get", pk="period.pk"),
    "guidance:meeting_update":       Row("login 200 404 403 200 200", "get", pk="meeting.pk"),
    "guidance:period_end":           Row("login 200 404 403 200 200", "get", pk="period.pk"),
    # --- end guidance ---
    # --- feedback: the expert's reflection, the coordinators' pages, the professional's form ---
    "reflections:reflection_form":   Row("login 200 404 403 403 403", "get", pk="done_assignment.pk"),  # noqa: E501
    "feedback:reflection_list":      Row("login 403 403 403 200 200", "get"),
    "feedback:reflection_handle":    Row("login 403 403 403 302 302", "post", pk="reflection.pk"),
    "feedback:assignment_feedback":  Row("login 403 403 403 200 200", "get", pk="done_assignment.pk"),  # noqa: E501
    "feedback:links_revoke":         Row("login 403 403 403 302 302", "post", pk="done_assignment.pk"),  # noqa: E501
    "professional_feedback:form":    Row("200   200 200 200 200 200", "get", token="feedback_link.token"),  # noqa: E501
    # --- end feedback ---
    # --- deploy: the load balancer's health check ---
    "healthz":                       Row("200   200 200 200 200 200", "get"),
    # --- end deploy ---
}
# fmt: on


def _url_names(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        else:
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


@pytest.fixture
def world(expert_alice, expert_bob, coordinator, settings, tmp_path):
    """Objects owned by Alice; Bob is a stranger to them."""
    alice = expert_alice.expert
    agreement = AgreementFactory(expert=alice)
    draft = AgreementFactory(expert=alice, status=AgreementStatus.DRAFT, signed_on=None)
    participation = ParticipationFactory(
        agreement=agreement, assignment=AssignmentFactory(date=datetime.date(2025, 3, 10))
    )
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # payroll: Alice's paid line with a receipt
    line, run = _paid_line(participation, coordinator)
    membership = GroupMembershipFactory(expert=alice)
    offer = OfferFactory(expert=alice, deadline=FAR_FUTURE)
    pair = PlanStepFactory(pair__expert=alice).pair  # pairs: Alice's work pair with one step
    period = started_period(guide=alice)  # guidance: Alice's ongoing period and a referral
    # planned supervision: a coming session of Alice's group with her topic proposal
    coming_session = SupervisionSessionFactory(group=membership.group, date=FAR_FUTURE.date())
    # feedback: Alice's done assignment, her reflection on it and its professional's link
    done = ParticipationFactory(
        agreement=agreement,
        assignment=AssignmentFactory(date=datetime.date(2025, 3, 11), status="done"),
    )
    reflection = ReflectionFactory(participation=done, wants_talk=True)
    feedback_link = FeedbackLinkFactory(assignment=done.assignment, expires_at=FAR_FUTURE)
    return SimpleNamespace(
        group=membership.group,  # coord-b
        membership=membership,
        coming_session=coming_session,
        proposal=TopicProposalFactory(session=coming_session, proposed_by=alice),
        series=SessionSeriesFactory(group=membership.group),
        session=AttendanceFactory(membership=membership, session__group=membership.group).session,
        alice=alice,
        agreement=agreement,
        draft=draft,
        assignment=participation.assignment,
        consent=ExpertExperienceFactory(consent__expert=alice).consent,
        token=calendar_token_regenerate(expert=alice),
        guest=ExpertFactory(email="kutsuttava@example.fi"),
        line=line,
        run=run,
        participation=participation,
        order=offer.request,  # orders: a request offered to Alice, with its status link
        offer=offer,
        order_link=StatusLinkFactory(request=offer.request, expires_at=FAR_FUTURE),
        pair=pair,
        pair_link=PairLinkFactory(pair=pair, expires_at=FAR_FUTURE),
        done_assignment=done.assignment,
        reflection=reflection,
        feedback_link=feedback_link,
        x="MQ",  # an invalid password-reset link: the page says so
        report_format="csv",
        import_job=ImportJob.objects.create(created_by=coordinator, files=["experts.csv"]),
        import_run=ImportRun.objects.create(files=["experts.csv"]),
        period=period,
        meeting=period.meetings.get(),
        referral=PeriodFactory(guide=alice),
        guidance_order=RequestFactory(type=AssignmentType.objects.get(code="experience_guidance")),
    )


def _paid_line(participation, coordinator):
    """Alice's report of her assignment, with a receipt, approved and paid in March's run."""
    line = payroll_services.line_submit(
        participation=participation,
        hours=Decimal(2),
        other_costs=Decimal("3.00"),
        other_costs_description="Bussi",
        receipt=SimpleUploadedFile("kuitti.pdf", b"%PDF-1.4 kuitti"),
        today=datetime.date(2025, 4, 1),
    )
    payroll_services.lines_approve(line_ids=[line.pk], by=coordinator)
    run = payroll_services.run_create(
        month=datetime.date(2025, 3, 1), by=coordinator, today=datetime.date(2025, 4, 1)
    )
    return line, payroll_services.run_export(run=run, by=coordinator)


def _url(name: str, world) -> str:
    spec = MATRIX[name].kwargs
    return reverse(name, kwargs={key: attrgetter(path)(world) for key, path in spec.items()})


def test_every_url_pattern_is_in_the_matrix():
    names = list(_url_names(get_resolver()))
    assert len(names) == len(set(names)), "URL names must be unique"
    assert set(names) - set(MATRIX) == set(), "add these URLs to MATRIX"
    assert set(MATRIX) - set(names) == set(), "these MATRIX rows have no URL"


@pytest.mark.django_db
@pytest.mark.parametrize("name", MATRIX)
def test_matrix_agrees_with_the_views_roles(name, world, request):
    view = resolve(_url(name, world)).func
    answers = MATRIX[name].answers()
    needs_login = getattr(view, "login_required", True)
    assert (answers["anonymous"] == "login") == needs_login, "login_not_required vs. the row"
    allowed = getattr(view, "allowed_roles", None)
    if allowed is None:
        assert not needs_login or name in WITHOUT_ROLES, (
            f"{name}: a view behind the login must use @role_required"
        )
        return
    for role in ROLES[1:]:
        user = request.getfixturevalue(role)
        may = has_role(user, *allowed)
        assert (answers[role] != "403") == may, f"{name}: {role} vs. {sorted(allowed)}"
    assert not has_role(AnonymousUser(), *allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", MATRIX)
def test_access(name, role, world, request, client):
    row = MATRIX[name]
    expected = row.answers()[role]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = getattr(client, row.method)(_url(name, world))
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == int(expected)
    if expected == "404":
        assert world.alice.last_name not in response.content.decode()
