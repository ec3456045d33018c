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
        assert data is not None  # Form.clean() returns cleaned_data
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


class CustomScorecardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    top = forms.IntegerField(label=_("Award places per group"), min_value=0, max_value=50,
                             initial=3)
    separate_kinds = forms.BooleanField(label=_("Rank kabupaten and kota separately"),
                                        required=False, initial=True)


def _source_choices(peers: str) -> list[tuple[str, object]]:
    from konvergen.scorecards import sources

    return [("", "—")] + [(s.key, s.label) for s in sources.sources_for(peers)]


class CriterionForm(forms.Form):
    """One row of the criteria table; the service checks the row as a whole and names the
    row and field of any problem."""

    label = forms.CharField(label=_("Label"), max_length=160, required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    parameter = forms.CharField(label=_("Indicator code or quarter"), max_length=40,
                                required=False)
    rule = forms.ChoiceField(label=_("Scoring rule"), required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_value=1000,
                                decimal_places=2, required=False)
    polarity = forms.ChoiceField(label=_("Better when"), required=False, choices=[
        ("", "—"), ("higher", _("Higher is better")), ("lower", _("Lower is better"))])
    cap = forms.DecimalField(label=_("Cap"), min_value=0, max_value=10000, decimal_places=2,
                             required=False)

    def __init__(self, *args, peers: str, **kwargs):
        from konvergen.scorecards import sources

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = _source_choices(peers)  # type: ignore[attr-defined]
        self.fields["rule"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *sources.RULE_LABELS.items()]

    @property
    def filled(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("source"))


CriterionFormSet = forms.formset_factory(CriterionForm, extra=3, can_delete=True,
                                         max_num=40, validate_max=True)
