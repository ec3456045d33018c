from pathlib import Path
from typing import cast

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from konvergen.plans.models import PlanItem

MAX_UPLOAD = 10 * 1024 * 1024
#: Evidence files: extension -> the bytes such a file starts with.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
}
SHEETS = (".csv", ".xlsx", ".xls", ".ods")


class PlanForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None,
                                                                  label=_("organisation"))
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    period_start = forms.IntegerField(label=_("plan period from"), min_value=2000,
                                      max_value=2100, required=False)
    period_end = forms.IntegerField(label=_("plan period to"), min_value=2000,
                                    max_value=2100, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        if organisations.count() == 1:
            self.initial["organisation"] = organisations.first()

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class PeriodForm(forms.Form):
    period_start = forms.IntegerField(label=_("plan period from"), min_value=2000,
                                      max_value=2100)
    period_end = forms.IntegerField(label=_("plan period to"), min_value=2000,
                                    max_value=2100)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        if data.get("period_start") and data.get("period_end") and (
                data["period_end"] < data["period_start"]):
            self.add_error("period_end", _("The period ends before it starts."))
        return data


ITEM_FIELDS = [
    "goal", "programme_code", "programme_name", "activity_code", "activity_name",
    "sub_activity_code", "sub_activity_name", "strategy", "sector", "expenditure_tag",
    "indicator", "unit", "target_k", "target_rp", "q1_k", "q2_k", "q3_k", "q4_k", "q1_rp",
    "q2_rp", "q3_rp", "q4_rp", "funding_source", "beneficiaries", "beneficiary_unit",
    "programme", "period_target_k", "period_target_rp", "prior_k", "prior_rp",
    "responsible_unit", "note",
]


class ItemForm(forms.Form):
    """One plan item; the rules (code shapes, quarterly sums, locations) are checked by the
    service, whose errors land on the fields."""

    locations = forms.CharField(
        label=_("locations (kecamatan or desa codes or names, comma-separated; empty = the "
                "whole region)"), required=False)

    def __init__(self, *args, programmes, instance: PlanItem | None = None, **kwargs):
        if instance is not None:
            initial = {f: getattr(instance, f) for f in ITEM_FIELDS if f != "programme"}
            initial["programme"] = instance.programme_id
            initial["locations"] = ", ".join(instance.locations or [])
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        fields = fields_for_model(PlanItem, fields=ITEM_FIELDS)
        for name in ITEM_FIELDS:
            self.fields[name] = fields[name]
        self.fields["locations"] = self.fields.pop("locations")
        for name in ("programme_code", "activity_code"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Empty: taken from the sub-activity code.")
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["programme"].required = False
        self.fields["sub_activity_code"].widget.attrs["placeholder"] = "1.06.04.2.01.0003"
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"item-{name}")

    def values(self, resolve_location) -> dict:
        data = dict(self.cleaned_data)
        data["programme"] = data["programme"].pk if data.get("programme") else None
        codes = []
        for token in (data.get("locations") or "").replace(";", ",").split(","):
            if token.strip():
                codes.append(resolve_location(token) or token.strip())
        data["locations"] = sorted(set(codes))
        return data


class ReportForm(forms.Form):
    """K and Rp of every item in one quarter, and the narrative."""

    action = forms.CharField(widget=forms.HiddenInput, initial="save")
    drivers = forms.CharField(label=_("Drivers (pendorong)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3,
                                                           "id": "report-drivers"}))
    obstacles = forms.CharField(label=_("Obstacles (penghambat)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3,
                                                             "id": "report-obstacles"}))
    follow_up = forms.CharField(label=_("Follow-up (tindak lanjut)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3,
                                                             "id": "report-follow-up"}))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_ids = [i.pk for i in items]
        for item in items:
            self.fields[f"k_{item.pk}"] = forms.DecimalField(
                required=False, min_value=0, max_digits=18, decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "any", "id": f"k-{item.pk}"}))
            self.fields[f"rp_{item.pk}"] = forms.DecimalField(
                required=False, min_value=0, max_digits=18, decimal_places=0,
                widget=forms.NumberInput(attrs={"step": "1", "id": f"rp-{item.pk}"}))

    def clean_action(self):
        if self.cleaned_data["action"] != "save":
            raise forms.ValidationError(_("Unknown step."))
        return "save"

    def values(self) -> dict:
        return {pk: (self.cleaned_data.get(f"k_{pk}"), self.cleaned_data.get(f"rp_{pk}"))
                for pk in self.item_ids}


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("evidence file (PDF, photo, XLSX or DOCX, at most 10 MB)"))
    description = forms.CharField(label=_("description"), required=False, max_length=300)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in SIGNATURES:
            raise forms.ValidationError(_("Upload a PDF, a photo (JPG, PNG), an XLSX or a "
                                          "DOCX file."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
            raise forms.ValidationError(_("The file's content does not match its type."))
        return upload


class UploadForm(forms.Form):
    file = forms.FileField(label=_("spreadsheet (XLSX or CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SHEETS:
            raise forms.ValidationError(_("Upload an XLSX, XLS, ODS or CSV file."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("submit", "verify", "return",
                                                         "approve")])
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineForm(forms.Form):
    def __init__(self, *args, due: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for q, day in due.items():
            self.fields[f"due_{q}"] = forms.DateField(
                label=_("Quarter %(q)s due on") % {"q": q}, initial=day,
                widget=forms.DateInput(attrs={"type": "date", "id": f"due-{q}"}))

