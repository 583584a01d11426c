import pytest
from django.template import Context, Template
from django.test import RequestFactory

from kokemus.lists import order_by_param, paginate
from registry.models import Expert
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db
ALLOWED = {"name": ("last_name", "first_name"), "municipality": ("municipality",)}


def test_order_by_param_sorts_only_by_allowed_keys(rf):
    ExpertFactory(last_name="Aho")
    ExpertFactory(last_name="Ylä")
    queryset, sort = order_by_param(
        rf.get("/", {"sort": "-name"}), Expert.objects.all(), allowed=ALLOWED, default="name"
    )
    assert sort == "-name"
    assert [e.last_name for e in queryset] == ["Ylä", "Aho"]
    queryset, sort = order_by_param(
        rf.get("/", {"sort": "password"}), Expert.objects.all(), allowed=ALLOWED, default="name"
    )
    assert sort == "name"
    assert [e.last_name for e in queryset] == ["Aho", "Ylä"]


def test_paginate_gives_the_nearest_page_for_bad_numbers(rf):
    page = paginate(rf.get("/", {"page": "999"}), list(range(60)), per_page=25)
    assert page.number == 3
    assert paginate(rf.get("/", {"page": "x"}), list(range(60))).number == 1


def test_sort_header_keeps_filters_and_toggles_direction():
    request = RequestFactory().get("/", {"kind": "peer", "sort": "name", "page": "2"})
    html = Template("{% load lists %}{% sort_header 'name' 'Nimi' %}").render(
        Context({"request": request, "sort": "name"})
    )
    assert 'aria-sort="ascending"' in html
    assert "kind=peer" in html and "sort=-name" in html and "page=" not in html
