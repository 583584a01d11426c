"""factory_boy factories for kokemusohjaus periods, and a period started through the service
(so its start meeting has its assignment, as in life)."""

import datetime
from decimal import Decimal

import factory

from guidance import services
from guidance.models import Meeting, Period, Place
from tests.factories import ExpertFactory, ServiceAreaFactory


class PeriodFactory(factory.django.DjangoModelFactory):
    """A referral of 3.3.2025, not started."""

    class Meta:
        model = Period

    guide = factory.SubFactory(ExpertFactory)
    client_code = factory.Sequence(lambda n: f"KO-2025-{n:03}")
    referred_on = datetime.date(2025, 3, 3)
    service_area = factory.SubFactory(ServiceAreaFactory)


def started_period(
    *, date=datetime.date(2025, 3, 10), goals=("Arjen rytmi", "Asiointi"), **fields
) -> Period:
    """A period whose start meeting (1,5 h at home) was on ``date``; the guide needs an
    agreement that covers the day."""
    period = PeriodFactory(**fields)
    meeting = Meeting(date=date, hours=Decimal("1.50"), place=Place.HOME)
    return services.period_start(period=period, meeting=meeting, goals=list(goals))


def meeting(period: Period, date: datetime.date, hours: str = "2.00") -> Meeting:
    return services.meeting_save(
        period=period, meeting=Meeting(date=date, hours=Decimal(hours), place=Place.OUTSIDE)
    )
