from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.meetings.models import Kind
from konvergen.meetings.services import MAX_ATTENDEES

MAX_UPLOAD = 10 * 1024 * 1024
#: Minutes files: extension -> the bytes such a file starts with.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
BAD_TYPE = _("Upload a PDF, a DOCX or a photo (JPG, PNG).")
TOO_BIG = _("The file is larger than 10 MB.")
NOT_MATCHING = _("The file's content does not match its type.")


class OrganisationsField(forms.ModelMultipleChoiceField):
    """Organisations by their full names (their short names are for tables)."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date held"),
        widget=forms.DateInput(attrs={"type": "date", "id": "meeting-held_on"},
                               format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Kind.choices,
                             widget=forms.Select(attrs={"id": "meeting-kind"}))
    title = forms.CharField(label=_("Title"), max_length=200,
                            widget=forms.TextInput(attrs={"id": "meeting-title"}))
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=20_000,
                             widget=forms.Textarea(attrs={"rows": 4, "id": "meeting-agenda"}))
    decisions = forms.CharField(
        label=_("Decisions and conclusions"), required=False, max_length=20_000,
        help_text=_("One decision per line; the annual report (LP2KD) lists them."),
        widget=forms.Textarea(attrs={"rows": 5, "id": "meeting-decisions"}))
    attendees = forms.IntegerField(label=_("Number of attendees"), min_value=1,
                                   max_value=MAX_ATTENDEES,
                                   widget=forms.NumberInput(attrs={"id": "meeting-attendees"}))
    chaired_by = forms.CharField(label=_("Chaired by"), required=False, max_length=200,
                                 widget=forms.TextInput(attrs={"id": "meeting-chaired_by"}))
    organisations: forms.ModelMultipleChoiceField = OrganisationsField(
        label=_("Organisations present"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple)
    minutes = forms.FileField(label=_("Minutes (PDF, DOCX or photo, at most 10 MB)"),
                              required=False,
                              widget=forms.ClearableFileInput(attrs={"id": "meeting-minutes"}))

    def __init__(self, *args, organisations, has_minutes: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        assert isinstance(field, OrganisationsField)
        field.queryset = organisations
        if has_minutes:
            self.fields["remove_minutes"] = forms.BooleanField(
                label=_("Remove the stored minutes"), required=False)

    def clean_minutes(self):
        upload = self.cleaned_data.get("minutes")
        if not upload:
            return None
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in SIGNATURES:
            raise forms.ValidationError(BAD_TYPE)
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(TOO_BIG)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
            raise forms.ValidationError(NOT_MATCHING)
        return upload

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in (
            "held_on", "kind", "title", "agenda", "decisions", "attendees", "chaired_by")}
