"""One include draws every page's breadcrumbs: Start › section › item › current page."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import SupervisionSessionFactory

EN = {"accept-language": "en"}


def _crumbs(html: str) -> list[tuple[str, str | None]]:
    """(text, link) of each breadcrumb; the current page has no link."""
    trail = re.search(r'<ol class="breadcrumb">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', trail, re.S)
    return [(re.sub(r"<[^>]+>", "", item).strip(), _link(item)) for item in items]


def _link(item: str) -> str | None:
    link = re.search(r'href="([^"]*)"', item)
    return link and link[1]


def _render(**crumbs) -> str:
    return render_to_string("includes/breadcrumbs.html", crumbs)


@pytest.mark.django_db
def test_the_last_crumb_given_is_the_current_page_and_the_others_link():
    section = {"section": "Agreements", "section_url": "/sopimukset/"}
    assert _crumbs(_render(**section)) == [("Start", "/"), ("Agreements", None)]
    assert _crumbs(_render(**section, item="TS-1", item_url="/sopimukset/1/")) == [
        ("Start", "/"),
        ("Agreements", "/sopimukset/"),
        ("TS-1", None),
    ]
    assert _crumbs(_render(**section, item="TS-1", item_url="/sopimukset/1/", current="Sign")) == [
        ("Start", "/"),
        ("Agreements", "/sopimukset/"),
        ("TS-1", "/sopimukset/1/"),
        ("Sign", None),
    ]
    assert _crumbs(_render(**section, current="New agreement")) == [
        ("Start", "/"),
        ("Agreements", "/sopimukset/"),
        ("New agreement", None),
    ]
    assert 'aria-current="page">Sign</li>' in _render(**section, item="TS-1", current="Sign")


@pytest.mark.django_db
def test_a_session_page_names_its_group_and_date(coordinator, login):
    session = SupervisionSessionFactory(group__name="Tiistairyhmä", date=datetime.date(2025, 3, 12))
    page = login(coordinator).get(
        reverse("supervision:session_update", args=[session.pk]), headers=EN
    )
    group_url = reverse("supervision:group_detail", args=[session.group.pk])
    assert _crumbs(page.content.decode())[1:] == [
        ("Supervision", reverse("supervision:group_list")),
        ("Tiistairyhmä", group_url),
        ("12.3.2025", None),  # the session, by its date,
    ]
