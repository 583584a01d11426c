import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agreements.models import AgreementStatus, Assignment, AssignmentStatus
from agreements.services import (
    agreement_end,
    agreement_sign,
    agreement_terminate,
    assignment_save,
    assignment_set_status,
)
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AssignmentTypeFactory,
    ExpertFactory,
    ParticipationFactory,
    ServiceAreaFactory,
)

pytestmark = pytest.mark.django_db

MARCH_10 = datetime.date(2025, 3, 10)


def new_assignment(**fields) -> Assignment:
    defaults = {
        "title": "Luento",
        "type": AssignmentTypeFactory(),
        "service_area": ServiceAreaFactory(),
        "date": MARCH_10,
        "hours": Decimal("2"),
    }
    return Assignment(**(defaults | fields))


def test_assignment_save_links_each_expert_to_the_covering_agreement():
    first, second = AgreementFactory(), AgreementFactory()
    assignment = assignment_save(assignment=new_assignment(), experts=[first.expert, second.expert])
    assert {(p.expert_id, p.agreement_id) for p in assignment.participations.all()} == {
        (first.expert_id, first.pk),
        (second.expert_id, second.pk),
    }


def test_assignment_save_names_the_expert_without_agreement():
    covered = AgreementFactory().expert
    uncovered = ExpertFactory(first_name="Eeva", last_name="Koskinen")
    with pytest.raises(ValidationError) as error:
        assignment_save(assignment=new_assignment(), experts=[covered, uncovered])
    assert error.value.message_dict["experts"] == [
        "Eeva Koskinen has no signed agreement that covers 10.3.2025."
    ]
    assert not Assignment.objects.exists()


def test_a_draft_agreement_covers_nothing():
    draft = AgreementFactory(status=AgreementStatus.DRAFT, signed_on=None)
    with pytest.raises(ValidationError, match="has no signed agreement"):
        assignment_save(assignment=new_assignment(), experts=[draft.expert])


def test_agreement_covers_its_first_and_last_day_only():
    agreement = AgreementFactory(
        valid_from=datetime.date(2025, 3, 10), valid_until=datetime.date(2025, 3, 10)
    )
    assignment_save(assignment=new_assignment(), experts=[agreement.expert])
    with pytest.raises(ValidationError, match="has no signed agreement"):
        assignment_save(
            assignment=new_assignment(date=datetime.date(2025, 3, 11)), experts=[agreement.expert]
        )


def test_terminated_agreement_covers_until_its_termination_date():
    agreement = AgreementFactory(
        status=AgreementStatus.TERMINATED, valid_until=datetime.date(2025, 3, 10)
    )
    assignment_save(assignment=new_assignment(), experts=[agreement.expert])


def test_latest_valid_from_sets_the_fee_when_agreements_overlap():
    older = AgreementFactory(valid_from=datetime.date(2025, 1, 1))
    newer = AgreementFactory(expert=older.expert, valid_from=datetime.date(2025, 3, 1))
    assignment = assignment_save(assignment=new_assignment(), experts=[older.expert])
    assert assignment.participations.get().agreement == newer


def test_assignment_needs_an_expert():
    with pytest.raises(ValidationError) as error:
        assignment_save(assignment=new_assignment(), experts=[])
    assert error.value.message_dict["experts"] == ["Choose at least one expert."]


def test_multi_day_assignment_has_at_most_24_hours_a_day():
    expert = AgreementFactory().expert
    assignment = new_assignment(end_date=datetime.date(2025, 3, 11), hours=Decimal("48.5"))
    with pytest.raises(ValidationError) as error:
        assignment_save(assignment=assignment, experts=[expert])
    assert error.value.message_dict["hours"] == [
        "One day has at most 24 hours: 48 hours for 2 days."
    ]


def test_assignment_save_replaces_removed_experts():
    first, second = AgreementFactory(), AgreementFactory()
    assignment = assignment_save(assignment=new_assignment(), experts=[first.expert])
    assignment_save(assignment=assignment, experts=[second.expert])
    assert list(assignment.participations.values_list("expert_id", flat=True)) == [second.expert_id]


def test_sign_makes_a_draft_active_with_its_date():
    agreement = AgreementFactory(status=AgreementStatus.DRAFT, signed_on=None)
    agreement_sign(agreement=agreement, signed_on=datetime.date(2025, 1, 2))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.signed_on == datetime.date(2025, 1, 2)


def test_sign_refuses_an_agreement_already_signed():
    with pytest.raises(ValidationError, match="cannot be made signed, active"):
        agreement_sign(agreement=AgreementFactory(), signed_on=datetime.date(2025, 1, 2))


def test_terminate_sets_the_last_day_of_validity():
    agreement = AgreementFactory()
    agreement_terminate(agreement=agreement, terminated_on=datetime.date(2025, 6, 30))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED
    assert agreement.valid_until == datetime.date(2025, 6, 30)


def test_end_refuses_while_later_assignments_depend_on_the_agreement():
    participation = ParticipationFactory(assignment__date=datetime.date(2025, 7, 1))
    with pytest.raises(ValidationError, match="still covers assignments after 30.6.2025"):
        agreement_end(agreement=participation.agreement, ended_on=datetime.date(2025, 6, 30))


def test_end_ignores_cancelled_later_assignments():
    participation = ParticipationFactory(
        assignment__date=datetime.date(2025, 7, 1),
        assignment__status=AssignmentStatus.CANCELLED,
    )
    agreement_end(agreement=participation.agreement, ended_on=datetime.date(2025, 6, 30))
    assert participation.agreement.status == AgreementStatus.ENDED


def test_a_draft_cannot_be_terminated():
    agreement = AgreementFactory(status=AgreementStatus.DRAFT, signed_on=None)
    with pytest.raises(ValidationError, match="draft cannot be made terminated"):
        agreement_terminate(agreement=agreement, terminated_on=datetime.date(2025, 6, 30))


def test_status_changes_follow_the_workflow():
    assignment = AssignmentFactory()
    assignment_set_status(assignment=assignment, status=AssignmentStatus.DONE)
    assert Assignment.objects.get().status == AssignmentStatus.DONE
    with pytest.raises(ValidationError, match="done cannot be made cancelled"):
        assignment_set_status(assignment=assignment, status=AssignmentStatus.CANCELLED)


def test_second_of_two_concurrent_edits_is_refused():
    expert = AgreementFactory().expert
    saved = assignment_save(assignment=new_assignment(), experts=[expert])
    opened_version = saved.version
    first = Assignment.objects.get(pk=saved.pk)
    second = Assignment.objects.get(pk=saved.pk)
    first.title = "Ensimmäisen muutos"
    assignment_save(assignment=first, experts=[expert], expected_version=opened_version)
    second.title = "Toisen muutos"
    with pytest.raises(ValidationError, match="Someone else saved this while you were editing"):
        assignment_save(assignment=second, experts=[expert], expected_version=opened_version)
    assert Assignment.objects.get(pk=saved.pk).title == "Ensimmäisen muutos"


def test_every_save_moves_the_version_on():
    agreement = AgreementFactory(status=AgreementStatus.DRAFT, signed_on=None)
    agreement_sign(agreement=agreement, signed_on=datetime.date(2025, 1, 2), expected_version=1)
    agreement.refresh_from_db()
    assert agreement.version == 2
    with pytest.raises(ValidationError, match="Someone else saved this"):
        agreement_terminate(
            agreement=agreement, terminated_on=datetime.date(2025, 6, 30), expected_version=1
        )
