"""Who hears of what happens to work pairs, by e-mail (notifications app).

The professional has no login: their message goes to their address in the register, in the
organisation's language, and links only to the pair's private plan page. It names nobody: the
professional knows whom they work with, and so nothing in it needs erasing later.
"""

from django.conf import settings
from django.urls import reverse

from notifications.models import Kind, Preference
from notifications.outbox import Notice, Recipient, record
from pairs.models import PairLink, WorkPair


def pair_link(*, pair: WorkPair, link: PairLink) -> None:
    professional = pair.professional
    record(
        [
            Notice(
                event=f"pair_link:pair-{pair.pk}:link-{link.pk}",
                kind=Kind.PAIR_LINK,
                to=Recipient(
                    professional.email.strip(),
                    professional.first_name,
                    None,
                    Preference(language=settings.LANGUAGE_CODE),
                ),
                template="pair_link",
                context={"link": link, "plan_url": reverse("pair_link:plan", args=[link.token])},
            )
        ]
    )
