"""Role fixtures that every test module reuses (STYLE.md): one user per role."""

import datetime
import importlib
import os
import shutil
import tempfile
import zoneinfo

import factory.random
import pytest
import time_machine
from django.apps import apps
from django.utils import timezone, translation

from kokemus.access import Role
from tests import preparation
from tests.factories import ExpertFactory, UserFactory

pytest_plugins = ["tests.smtp"]  # the smtp fixture: a real SMTP server


def pytest_sessionstart(session):
    """Compiled translations and collected static files, made here where missing or stale, so
    that plain ``pytest`` works after bin/setup (tests/preparation.py)."""
    preparation.prepare()


# The clock and the random draws (issue 14): no test may depend on the day it runs or on a
# lucky Faker draw. KOKEMUS_TEST_TODAY moves the whole session to another day, as
# `2028-02-29` (noon in Helsinki) or a moment such as `2027-10-31T03:30+02:00`, and the clock
# ticks on from there; .ci/run runs the suite so at the awkward dates. KOKEMUS_TEST_SEED
# varies Faker's draws, which are seeded per test so they never depend on the tests before.
TEST_TODAY = os.environ.get("KOKEMUS_TEST_TODAY", "")
TEST_SEED = os.environ.get("KOKEMUS_TEST_SEED", "14")


def _test_moment(value: str) -> datetime.datetime:
    """The moment in Helsinki (time-machine then keeps the process's zone Helsinki too)."""
    helsinki = zoneinfo.ZoneInfo("Europe/Helsinki")
    moment = datetime.datetime.fromisoformat(value)
    if len(value) == len("2028-02-29"):
        moment = moment.replace(hour=12)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=helsinki)
    return moment.astimezone(helsinki)


def pytest_configure(config):
    # Before collection: some test modules compute their dates on import.
    if TEST_TODAY:
        time_machine.travel(_test_moment(TEST_TODAY), tick=True).start()
        # Temporary files of its own: on a clock moved ahead, the sweep of stale uploads
        # (interchange.uploads) would take a test run's fresh files beside it for old ones.
        tempfile.tempdir = private = tempfile.mkdtemp(prefix="kokemus-tests-")
        config.add_cleanup(lambda: shutil.rmtree(private, ignore_errors=True))


def pytest_report_header(config):
    return f"kokemus: now {timezone.localtime():%Y-%m-%d %H:%M %Z}, KOKEMUS_TEST_SEED={TEST_SEED}"


@pytest.fixture(autouse=True)
def seeded_faker(request):
    factory.random.reseed_random(f"{TEST_SEED} {request.node.nodeid}")


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Messages raised outside a request (services, models) read in English in tests.

    Requests still get Finnish by default through LocaleMiddleware; a test that reads English
    page text asks for it with ``headers={"accept-language": "en"}``.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2's deliberate slowness is not under test (test_settings checks it is the default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The data migrations that fill reference data and role groups.
REFERENCE_DATA = [
    ("registry.migrations.0002_default_reference_data", "create"),
    ("registry.migrations.0005_default_names_in_swedish_and_english", "name"),
    ("registry.migrations.0008_assignment_type_payroll_class", "classify"),
    ("registry.migrations.0009_assignment_type_records_reach", "mark"),
    ("supervision.migrations.0002_default_topics", "create"),
    ("supervision.migrations.0004_default_topic_names_in_swedish_and_english", "name"),
    ("kokemus.migrations.0001_role_groups", "create_groups"),
]


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests start from a database that an earlier one may have flushed: put
    back what the migrations created (all of it is idempotent)."""
    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def coordinator(db):
    return UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])


@pytest.fixture
def evaluation_member(db):
    return UserFactory(username="arvioija", groups=[Role.EVALUATION])


def _expert_user(username: str, first_name: str, last_name: str):
    user = UserFactory(
        username=username, first_name=first_name, last_name=last_name, groups=[Role.EXPERT]
    )
    ExpertFactory(user=user, first_name=first_name, last_name=last_name)
    return user


@pytest.fixture
def expert_alice(db):
    return _expert_user("alice", "Alice", "Esimerkki")


@pytest.fixture
def expert_bob(db):
    """A stranger to Alice's objects, with a name no page of hers contains."""
    return _expert_user("bob", "Bob", "Bergström")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="paakayttaja", is_staff=True, is_superuser=True)


@pytest.fixture
def login(client):
    """Log the test client in as a user and return it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
