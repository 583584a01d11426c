"""Writes of the expert's self-service: withdrawing, invitations and calendar tokens.

Reporting hours is payroll.services.line_submit (the expert's own hours report line)."""

import datetime
import secrets

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import notices
from agreements.models import AssignmentStatus, Participation
from kokemus.access import Role
from kokemus.concurrency import claim_version
from portal.models import CalendarToken
from registry.models import Expert


@transaction.atomic
def participation_withdraw(
    *, participation: Participation, reason: str = "", today: datetime.date | None = None
) -> None:
    """The expert takes themselves off a coming assignment; the coordinators hear at once."""
    assignment = participation.assignment
    if assignment.status != AssignmentStatus.PLANNED or assignment.date < (
        today or timezone.localdate()
    ):
        raise ValidationError(
            _("You can withdraw only from a planned assignment that has not yet begun.")
        )
    claim_version(assignment, None)  # editing forms opened before this see the change
    participation.delete()
    notices.expert_withdrew(assignment=assignment, expert=participation.expert, reason=reason)


class InvitationForm(PasswordResetForm):
    """Django's password-reset e-mail, sent to one new login whose password is not yet set."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def get_users(self, email):
        return [self.user]


@transaction.atomic
def expert_invite(*, expert: Expert, request) -> User:
    """Create the expert's login and e-mail them a link to set their password.

    The login's username is the e-mail address; it has no usable password until the expert sets
    one through the link (Django's password-reset token, valid PASSWORD_RESET_TIMEOUT).
    """
    if expert.user_id is not None:
        raise ValidationError(_("%(expert)s already has a login.") % {"expert": expert.full_name})
    email = expert.email.strip().lower()
    if not email:
        raise ValidationError(
            _("%(expert)s has no e-mail address: add one before inviting.")
            % {"expert": expert.full_name}
        )
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationError(
            _("A login with the username %(username)s already exists.") % {"username": email}
        )
    user = User(
        username=email, email=email, first_name=expert.first_name, last_name=expert.last_name
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.EXPERT)[0])
    claim_version(expert, None)  # a form opened before the login was made must not undo it
    expert.user = user
    expert.save(update_fields=["user", "version", "updated_at"])
    form = InvitationForm({"email": email}, user=user)
    form.is_valid()
    form.save(
        request=request,
        use_https=request.is_secure(),
        subject_template_name="registration/invitation_subject.txt",
        email_template_name="registration/invitation_email.txt",
        extra_email_context={"expert": expert},
    )
    return user


@transaction.atomic
def calendar_token_regenerate(*, expert: Expert) -> CalendarToken:
    """Give the expert a new secret calendar URL; the old one stops working."""
    CalendarToken.objects.filter(expert=expert).delete()
    return CalendarToken.objects.create(expert=expert, token=secrets.token_urlsafe(32))


@transaction.atomic
def calendar_token_revoke(*, expert: Expert) -> bool:
    """Stop the expert's calendar feed; True if there was one."""
    deleted, _counts = CalendarToken.objects.filter(expert=expert).delete()
    return bool(deleted)
