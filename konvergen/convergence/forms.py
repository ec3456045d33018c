from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.programs.services import outside_period_message
from konvergen.welfare.models import Status

#: Statuses a region may count as its target (``Unknown`` never is).
TARGET_CHOICES = [(str(v), label) for v, label in Status.choices if v != Status.UNKNOWN]


class TargetRulesForm(forms.Form):
    statuses = forms.MultipleChoiceField(
        label=_("welfare statuses that count as target"),
        choices=TARGET_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: this region follows the region above (or the default)."),
    )
    desil_min = forms.IntegerField(label=_("from desil"), min_value=1, max_value=10,
                                   required=False)
    desil_max = forms.IntegerField(label=_("up to desil"), min_value=1, max_value=10,
                                   required=False)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        lo, hi = data.get("desil_min"), data.get("desil_max")
        if lo is not None and hi is not None and lo > hi:
            raise forms.ValidationError(_("The desil range is empty."))
        return data


class PlanForm(forms.Form):
    """Plan the next period's interventions of one programme for worklist families."""

    programme: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("programme")
    )
    year = forms.IntegerField(label=_("period (year)"), min_value=2000, max_value=2100)
    value = forms.IntegerField(label=_("value per family (Rp)"), min_value=0, initial=0)
    scope = forms.ChoiceField(
        label=_("families"),
        choices=[("selected", _("the families ticked below")),
                 ("all", _("every family in this worklist"))],
        initial="selected",
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["programme"]).queryset = programmes

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        programme, year = data.get("programme"), data.get("year")
        if programme and year and not programme.year_start <= year <= programme.year_end:
            self.add_error("year", outside_period_message(programme, year))
        return data

