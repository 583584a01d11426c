"""Who hears of hours reports by e-mail: coordinators of a new or corrected report, the expert
of a returned or approved one. Recorded in the services' transactions (notifications app)."""

import hashlib
from collections import defaultdict

from django.urls import reverse

from notifications.models import Kind
from notifications.outbox import Notice, coordinator_recipients, expert_recipients, record
from payroll.models import ReportLine


def line_reported(*, line: ReportLine) -> None:
    """An expert reported (or corrected a returned) line: the coordinators hear."""
    participation = line.participation
    record(
        [
            Notice(
                event=f"work_reported:line-{line.pk}:v{line.version}",
                kind=Kind.WORK_REPORTED,
                to=to,
                template="work_reported",
                context={
                    "assignment": participation.assignment,
                    "expert": participation.expert,
                    "hours": line.hours,
                    "line": line,
                    "url": reverse("payroll:line_detail", args=[line.pk]),
                },
            )
            for to in coordinator_recipients()
        ]
    )


def line_returned(*, line: ReportLine) -> None:
    """The expert hears why their line came back and where to correct it (always sent)."""
    participation = line.participation
    record(
        [
            Notice(
                event=f"line_returned:line-{line.pk}:v{line.version}",
                kind=Kind.LINE_RETURNED,
                to=to,
                template="line_returned",
                context={
                    "assignment": participation.assignment,
                    "line": line,
                    "url": reverse("portal:assignment_detail", args=[participation.assignment_id]),
                },
            )
            for to in expert_recipients([participation.expert]).values()
        ]
    )


def lines_approved(*, lines: list[ReportLine]) -> None:
    """One message per expert for the lines approved together (a bulk approval of many)."""
    by_expert = defaultdict(list)
    for line in lines:
        by_expert[line.participation.expert_id].append(line)
    experts = [mine[0].participation.expert for mine in by_expert.values()]
    notices = []
    for expert_id, to in expert_recipients(experts).items():
        mine = sorted(by_expert[expert_id], key=lambda line: line.pk)
        batch = ",".join(f"{line.pk}v{line.version}" for line in mine)
        notices.append(
            Notice(
                # the approved lines and their versions name the event, in a fixed length
                event=f"line_approved:expert-{expert_id}:"
                f"{hashlib.sha256(batch.encode()).hexdigest()[:32]}",
                kind=Kind.LINE_APPROVED,
                to=to,
                template="line_approved",
                context={
                    "assignments": [line.participation.assignment for line in mine],
                    "url": reverse("portal:fees"),
                },
            )
        )
    record(notices)
