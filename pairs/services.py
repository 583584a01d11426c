"""Every write about work pairs: one function per business action, in a transaction."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kokemus.concurrency import claim_version
from kokemus.private_links import expiry_after
from pairs import notices
from pairs.models import DoneBy, PairLink, PlanStep, WorkPair
from pairs.plans import default_steps


@transaction.atomic
def pair_save(
    *, pair: WorkPair, default_plan: bool = False, expected_version: int | None = None
) -> WorkPair:
    """Create or update a pair; a new one may start with the default gradual-start plan,
    written in the organisation's language and dated from the pair's start.

    The professional's link belongs to the pair: when the pair's professional or expert
    changes (say the link went to the wrong person), the links sent so far stop working."""
    claim_version(pair, expected_version)  # first: a stale form hears that it is stale
    created = pair.pk is None
    pair.full_clean()
    if not created and _people_changed(pair):
        link_revoke(pair=pair)
    pair.save()
    if created and default_plan:
        with translation.override(settings.LANGUAGE_CODE):
            steps = default_steps(pair.started_on)
        PlanStep.objects.bulk_create(PlanStep(pair=pair, **step) for step in steps)
    return pair


def _people_changed(pair: WorkPair) -> bool:
    """The pair's professional or expert is not the stored one."""
    stored = WorkPair.objects.values("professional_id", "expert_id").get(pk=pair.pk)
    return stored != {"professional_id": pair.professional_id, "expert_id": pair.expert_id}


@transaction.atomic
def plan_save(*, pair: WorkPair, formset, expected_version: int | None = None) -> WorkPair:
    """Save the plan's steps as the coordinator edited them. The plan is part of the pair, so
    it claims the pair's version. Ticks are not in the form: a step ticked meanwhile stays
    ticked."""
    claim_version(pair, expected_version)
    formset.save()
    return pair


@transaction.atomic
def step_set_done(
    *, step: PlanStep, done: bool, by: DoneBy, today: datetime.date | None = None
) -> PlanStep:
    """Tick a step done (or undo the tick); either of the pair may, and so may a coordinator."""
    step = PlanStep.objects.select_for_update().get(pk=step.pk)
    if done and step.done_on is None:
        step.done_on, step.done_by = today or timezone.localdate(), by
    elif not done:
        step.done_on, step.done_by = None, ""
    step.save(update_fields=["done_on", "done_by"])
    return step


# --- The professional's private link --------------------------------------------------------


@transaction.atomic
def link_revoke(*, pair: WorkPair, now: datetime.datetime | None = None) -> int:
    """Stop every link of the pair; how many were working."""
    return pair.links.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())


@transaction.atomic
def link_send(*, pair: WorkPair, today: datetime.date | None = None) -> PairLink:
    """E-mail the professional a new private link to the plan; older links stop working."""
    if not pair.professional.email.strip():
        raise ValidationError(
            _("%(name)s has no e-mail address: add one to the professional first.")
            % {"name": pair.professional.first_name}
        )
    link_revoke(pair=pair)
    expires_at = expiry_after(today or timezone.localdate(), settings.PAIR_LINK_DAYS)
    link = PairLink.objects.create(pair=pair, expires_at=expires_at)
    notices.pair_link(pair=pair, link=link)
    return link
