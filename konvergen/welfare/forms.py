import json

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.welfare import engine
from konvergen.welfare.models import DIMENSION_LABELS, RuleSet

BAD_JSON = _('Write the parameters as a JSON object, e.g. {"field": "water_source"}.')


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = [
            "method",
            "desil_extreme",
            "desil_poor",
            "desil_vulnerable",
            "poverty_line_day",
            "extreme_line_day",
            "vulnerable_factor",
            "mpi_k",
            "small_cell_k",
        ]

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        try:
            engine.StatusRules(
                **{k: v for k, v in data.items() if k != "small_cell_k" and v is not None}
            ).validate()
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_id = forms.CharField(label=_("Name (Indonesian)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    dimension = forms.ChoiceField(
        label=_("Dimension"), choices=[(d, DIMENSION_LABELS[d]) for d in engine.DIMENSIONS]
    )
    rule = forms.ChoiceField(label=_("Rule"), choices=[(r, r) for r in engine.RULES])
    params = forms.CharField(
        label=_("Parameters"), widget=forms.Textarea(attrs={"rows": 2}), initial="{}"
    )
    weight = forms.FloatField(label=_("Weight"), min_value=0, max_value=1)
    active = forms.BooleanField(label=_("Active"), required=False)

    def clean_params(self):
        try:
            value = json.loads(self.cleaned_data["params"] or "{}")
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(BAD_JSON) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(BAD_JSON)
        return value

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        if {"code", "rule", "params"} <= set(data):
            try:
                engine.rule_sql(data["rule"], data["code"], data["params"])
            except engine.RuleError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


class BaseIndicatorFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        try:
            engine.validate_indicators([engine.Indicator(**r) for r in self.indicators()])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def _deleted(self, form) -> bool:
        return bool(self.can_delete and form.cleaned_data.get("DELETE"))

    def indicators(self) -> list[dict]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms
            if f.cleaned_data and not self._deleted(f)
        ]


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=BaseIndicatorFormSet, extra=1, can_delete=True
)


def indicator_initial(indicators: list[engine.Indicator]) -> list[dict]:
    return [{**i.as_dict(), "params": json.dumps(i.params, ensure_ascii=False)} for i in indicators]
