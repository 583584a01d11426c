from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "The CSV files named as below, or one Excel workbook (.xlsx) with sheets of the "
            "same names."
        ),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Give at most %(count)s files at a time.") % {"count": MAX_FILES}
            )
        megabytes = settings.IMPORT_MAX_MEGABYTES
        if sum(file.size for file in files) > megabytes * 1024 * 1024:
            raise forms.ValidationError(
                _("The files are too large: at most %(megabytes)s MB together.")
                % {"megabytes": megabytes}
            )
        workbooks = [file for file in files if file.name.lower().endswith(".xlsx")]
        if workbooks and len(files) > 1:
            raise forms.ValidationError(_("Give CSV files or one Excel workbook."))
        return files

    def contents(self) -> list[tuple[str, bytes]]:
        return [(Path(file.name).name, file.read()) for file in self.cleaned_data["files"]]
