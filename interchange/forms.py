from pathlib import Path
from typing import BinaryIO

from django import forms
from django.utils.translation import gettext_lazy as _

from interchange import formats
from interchange.importer import SameName
from interchange.limits import max_file_bytes, too_large_message

MAX_FILES = len(formats.FILES)  # every file of the interchange at once


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
        if sum(file.size for file in files) > max_file_bytes():
            raise forms.ValidationError(too_large_message())
        workbooks = [file for file in files if file.name.lower().endswith(".xlsx")]
        if workbooks and len(files) > 1:
            raise forms.ValidationError(_("Give CSV files or one Excel workbook."))
        return files

    def streams(self) -> list[tuple[str, BinaryIO]]:
        """The files as (name, stream): Django keeps a large upload on disk, and it is read
        from there in pieces, never whole."""
        files = self.cleaned_data["files"]
        for file in files:
            file.seek(0)
        return [(Path(file.name).name, file) for file in files]


NEW = ""  # the choice "create it under the file's code"


class MappingForm(forms.Form):
    """For each new code whose name an existing row has: keep it new, or use the existing
    row's code instead in this import."""

    def __init__(self, *args, same_names: list[SameName], **kwargs):
        super().__init__(*args, **kwargs)
        self.same_names = same_names
        for item in same_names:
            self.fields[self.field_name(item)] = forms.ChoiceField(
                label=f"{item.code} ({item.name})",
                choices=[
                    (NEW, _("Create %(code)s as a new one") % {"code": item.code}),
                    *(
                        (code, _("Use %(code)s: %(name)s") % {"code": code, "name": name})
                        for code, name in item.existing
                    ),
                ],
                initial=item.mapped_to,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    @staticmethod
    def field_name(item: SameName) -> str:
        return f"map:{item.file}:{item.code}"

    def mapping(self) -> dict[str, dict[str, str]]:
        mapping: dict[str, dict[str, str]] = {}
        for item in self.same_names:
            code = self.cleaned_data.get(self.field_name(item))
            if code:
                mapping.setdefault(item.file, {})[item.code] = code
        return mapping
