"""Keys for experts and assignments that were entered in Kokemus and so have no external id.

The export writes ``kokemus-<pk>-<signature>``; the signature depends on this installation's
SECRET_KEY, so re-importing the file here finds the same row, while another installation (whose
row <pk> is someone else) treats the key as new.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

PATTERN = re.compile(r"^kokemus-(\d+)-([0-9a-f]{8})$")


def _signature(label: str, pk: int) -> str:
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        # Keys signed with the public key would not match the server's on re-import.
        raise ImproperlyConfigured("Set this installation's SECRET_KEY to export or import keys.")
    return salted_hmac(f"interchange.key.{label}", str(pk)).hexdigest()[:8]


def fallback_key(label: str, pk: int) -> str:
    return f"kokemus-{pk}-{_signature(label, pk)}"


def pk_from_fallback_key(label: str, key: str) -> int | None:
    match = PATTERN.match(key)
    if match and match.group(2) == _signature(label, int(match.group(1))):
        return int(match.group(1))
    return None


def export_key(instance) -> str:
    return instance.external_id or fallback_key(instance._meta.label_lower, instance.pk)
