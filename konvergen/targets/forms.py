from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.registry.ingest.headers import parse_mapping_args
from konvergen.targets.models import Period, PlanDocument

MAX_UPLOAD = 20 * 1024 * 1024
SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"}
BAD_TYPE = _("Upload a CSV or Excel file (.csv, .xlsx).")
TOO_BIG = _("The file is larger than 20 MB.")
BAD_MAPPING = _("Write one 'Header=field' per line.")


class PlanDocumentForm(forms.ModelForm):
    class Meta:
        model = PlanDocument
        fields = ["kind", "number", "title", "year_start", "year_end", "issued_on"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        start, end = data.get("year_start"), data.get("year_end")
        if start and end and end < start:
            self.add_error("year_end", _("The last year must not come before the first year."))
        return data


class TargetForm(forms.Form):
    """The targets of one indicator for every year of a plan document, and its baseline."""

    baseline_year = forms.IntegerField(label=_("Baseline year"), required=False,
                                       min_value=1990, max_value=2100)
    baseline_value = forms.FloatField(label=_("Baseline value"), required=False)
    note = forms.CharField(label=_("Note (why it is set or changed)"), required=False,
                           max_length=300)

    def __init__(self, *args, document: PlanDocument, current: dict, baseline=None, **kw):
        super().__init__(*args, **kw)
        self.document = document
        self.years = list(range(document.year_start, document.year_end + 1))
        for year in self.years:
            self.fields[f"y{year}"] = forms.FloatField(
                label=_("Target %(year)s") % {"year": year}, required=False,
                initial=current.get(year))
        if baseline is not None:
            self.fields["baseline_year"].initial = baseline.year
            self.fields["baseline_value"].initial = baseline.value
        self.order_fields(["baseline_year", "baseline_value", *(f"y{y}" for y in self.years),
                           "note"])

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        if (data.get("baseline_year") is None) != (data.get("baseline_value") is None):
            raise forms.ValidationError(_("Give both the baseline year and its value."))
        return data

    def targets(self) -> dict[int, float]:
        return {y: self.cleaned_data[f"y{y}"] for y in self.years
                if self.cleaned_data.get(f"y{y}") is not None}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Official figures file (CSV or Excel)"))
    default_year = forms.IntegerField(
        label=_("Year, for a file without a year column"), required=False, min_value=1990,
        max_value=2100)
    default_period = forms.ChoiceField(
        label=_("BPS period, for a file without a period column"), required=False,
        choices=Period.choices)
    mapping = forms.CharField(
        label=_("Column mapping (optional)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Angka Kemiskinan=p0"}),
        help_text=_("One 'Header=field' per line: a field is code, bps_code, name, province, "
                    "province_code, year, period or an indicator code; '-' leaves a column "
                    "out."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(BAD_TYPE)
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(TOO_BIG)
        return upload

    def clean_mapping(self):
        lines = [line.strip() for line in self.cleaned_data["mapping"].splitlines()
                 if line.strip()]
        try:
            return parse_mapping_args(lines)
        except ValueError as exc:
            raise forms.ValidationError(BAD_MAPPING) from exc


class BandsForm(forms.Form):
    on_track = forms.FloatField(label=_("On track from (% achievement)"), min_value=0,
                                max_value=1000)
    attention = forms.FloatField(label=_("Needs attention from (% achievement)"), min_value=0,
                                 max_value=1000)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        if data.get("on_track") is not None and data.get("attention") is not None and \
                data["attention"] > data["on_track"]:
            raise forms.ValidationError(_(
                "The 'needs attention' threshold must not exceed the 'on track' threshold."))
        return data
