"""Export keys of rows entered in Kokemus: found again here, new anywhere else."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from interchange.keys import export_key, pk_from_fallback_key

LABEL = "registry.expert"


class Entered:
    """A row with no external id, as the export sees it."""

    external_id = ""
    pk = 42

    class _meta:
        label_lower = LABEL


def test_an_entered_row_gets_a_key_that_finds_it_again():
    key = export_key(Entered())
    assert key.startswith("kokemus-42-")
    assert pk_from_fallback_key(LABEL, key) == 42


def test_a_key_from_another_installation_or_another_table_is_new(settings):
    key = export_key(Entered())
    assert pk_from_fallback_key("agreements.assignment", key) is None
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    assert pk_from_fallback_key(LABEL, key) is None


def test_a_forged_key_is_new():
    assert pk_from_fallback_key(LABEL, "kokemus-42-00000000") is None


def test_keys_are_refused_without_this_installations_secret_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        export_key(Entered())
