from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.programs.models import Intervention, Programme
from konvergen.welfare.engine import DEFAULT_INDICATORS


def need_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.name_en} / {i.name_id}") for i in DEFAULT_INDICATORS]


class ProgrammeForm(forms.ModelForm):
    needs = forms.MultipleChoiceField(
        label=_("needs addressed"), required=False, widget=forms.CheckboxSelectMultiple
    )
    locations = forms.CharField(
        label=_("locations (region codes, comma-separated; empty = the whole region)"),
        required=False,
    )

    class Meta:
        model = Programme
        fields = [
            "code", "name", "organisation", "strategy", "stage", "sector", "needs",
            "target_unit", "desil_min", "desil_max", "eligibility_rules", "funding_source",
            "budget", "year_start", "year_end", "locations",
        ]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["needs"].choices = need_choices()
        if self.instance.pk:
            self.initial["locations"] = ", ".join(self.instance.locations or [])

    def clean_locations(self) -> list[str]:
        raw = self.cleaned_data.get("locations") or ""
        return [c.strip() for c in raw.split(",") if c.strip()]

    def programme_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


class UseListForm(forms.Form):
    beneficiary_list: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("uploaded list")
    )
    period = forms.IntegerField(label=_("period (year)"), min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("status"), choices=Intervention.Status.choices,
        initial=Intervention.Status.DELIVERED,
    )
    value = forms.IntegerField(label=_("value per beneficiary (Rp)"), min_value=0, initial=0)

    def __init__(self, *args, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary_list"].queryset = lists
