from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.scorecards.models import RegionCompliance


class WeightsForm(forms.Form):
    """One weight per top-level criterion of the scorecard (any non-negative numbers:
    they are read as shares of their sum)."""

    def __init__(self, *args, columns: list[tuple[str, str]], initial_weights: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in columns:
            self.fields[key] = forms.DecimalField(
                label=label, min_value=0, max_value=1000, decimal_places=2,
                initial=initial_weights.get(key))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not any(value for value in data.values()):
            raise forms.ValidationError(_("At least one weight must be above 0."))
        return data


class ComplianceForm(forms.ModelForm):
    """What a kab/kota reports for the PMK 97/2023 incentive; "unknown" stays missing."""

    class Meta:
        model = RegionCompliance
        fields = ["spending_budget", "decree", "verified_data", "report_q1", "report_q2",
                  "note"]
        widgets = {name: forms.NullBooleanSelect() for name in
                   ("decree", "verified_data", "report_q1", "report_q2")} | {
            "note": forms.Textarea(attrs={"rows": 3})}
