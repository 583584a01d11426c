"""Receipts of the experts' other costs: personal data, so kept privately.

The files live under PRIVATE_MEDIA_ROOT, outside the static files and any folder a web server
serves; the only way to them is payroll.views.line_receipt, which checks who asks. A file is
accepted by what it is (its first bytes), not by its name, and only as JPEG, PNG or PDF up to
RECEIPT_MAX_BYTES. Stored names are random: they tell nothing of the expert or the cost.
"""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# What a file's first bytes say it is: (signature, extension, content type).
SIGNATURES = [
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"%PDF-", ".pdf", "application/pdf"),
]
CONTENT_TYPES = {extension: content_type for _sig, extension, content_type in SIGNATURES}


@deconstructible
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage at PRIVATE_MEDIA_ROOT, read when used (tests point it elsewhere), with
    no URL: a file here is never a link, only a view's response."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view.")


private_storage = PrivateStorage()


def receipt_storage() -> PrivateStorage:
    return private_storage


def receipt_path(instance, filename: str) -> str:
    """receipts/<year>/<month>/<random>.<type>: the extension is the one its content showed."""
    extension = getattr(instance, "_receipt_extension", "") or os.path.splitext(filename)[1]
    return f"receipts/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{extension.lower()}"


def receipt_extension(upload) -> str:
    """The extension for an uploaded receipt, or ValidationError with what is wrong."""
    if upload.size > settings.RECEIPT_MAX_BYTES:
        raise ValidationError(
            _("The receipt is %(size)s; at most %(max)s is accepted.")
            % {
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.RECEIPT_MAX_BYTES),
            },
            code="receipt_too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, extension, _content_type in SIGNATURES:
        if head.startswith(signature):
            return extension
    raise ValidationError(
        _("A receipt must be a photo (JPEG or PNG) or a PDF file."), code="receipt_type"
    )


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
