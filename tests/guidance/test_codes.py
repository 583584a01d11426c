"""The client is a pseudonymous code: one that looks like a personal identity code is refused,
however it is written, and the refusal is said in the page's language."""

import pytest
from django.urls import reverse

from guidance.codes import looks_like_identity_code
from guidance.models import Period
from tests.factories import ExpertFactory, ServiceAreaFactory


@pytest.mark.parametrize(
    "code",
    [
        "131052-308T",
        "131052+308T",  # born in the 1800s
        "131052A308T",  # the century signs of 2023
        "010199B1234",
        "290200U123A",  # the extra century signs, a leap day
        "131052308T",  # no century sign
        "131052 308T",
        "13.10.52-308T",
        " 1310 52-308 t ",
        "KO/131052-308T",  # inside a longer code
        "131052-308X",  # a wrong check character identifies as well
    ],
)
def test_a_code_that_looks_like_an_identity_code_is_refused(code):
    assert looks_like_identity_code(code)


@pytest.mark.parametrize(
    "code", ["KO-2025-07", "ASIAKAS-0001", "A12", "2025-03-001A", "310252-123X", "KOKKOLA 7"]
)
def test_pseudonymous_codes_are_accepted(code):
    assert not looks_like_identity_code(code)


def test_the_referral_form_refuses_an_identity_code_in_the_pages_language(login, coordinator):
    guide, area = ExpertFactory(), ServiceAreaFactory()
    data = {
        "guide": guide.pk,
        "client_code": "131052-308T",
        "referred_on": "2025-03-03",
        "service_area": area.pk,
    }
    response = login(coordinator).post(reverse("guidance:period_create"), data)
    assert response.status_code == 200
    assert "näyttää henkilötunnukselta" in response.content.decode()
    assert not Period.objects.exists()
    data["client_code"] = "KO-2025-07"
    response = login(coordinator).post(reverse("guidance:period_create"), data)
    assert response.status_code == 302
    assert Period.objects.get().client_code == "KO-2025-07"
