from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.programs.models import Group, Intervention, Programme
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
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        cast(forms.ChoiceField, self.fields["needs"]).choices = need_choices()
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
        cast(forms.ModelChoiceField, self.fields["beneficiary_list"]).queryset = lists


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "kind", "region_code", "organisation", "kur_status", "kur_date",
                  "kur_amount"]
        widgets = {"kur_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"region_code": _("Kemendagri code of the desa/kelurahan, e.g. 32.04.05.2001")}

    def __init__(self, *args, organisations, organisation_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        field.required = organisation_required

    def clean_region_code(self) -> str:
        from konvergen.regions.models import Region

        code = (self.cleaned_data.get("region_code") or "").strip()
        if not Region.objects.filter(code=code, level=4).exists():
            raise forms.ValidationError(_("Enter the code of a desa/kelurahan."))
        return code

    def group_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class MemberForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    nik = forms.CharField(label=_("NIK"), max_length=16, required=False)
    role = forms.CharField(label=_("role in the group"), max_length=40, required=False)
    joined_year = forms.IntegerField(label=_("member since (year)"), required=False,
                                     min_value=2000, max_value=2100)


class EndMembershipForm(forms.Form):
    left_year = forms.IntegerField(label=_("last year as a member"), min_value=2000,
                                   max_value=2100)


class GroupHelpForm(forms.Form):
    programme: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("programme")
    )
    year = forms.IntegerField(label=_("period (year)"), min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("status"), choices=Intervention.Status.choices,
        initial=Intervention.Status.DELIVERED,
    )
    value = forms.IntegerField(label=_("value (Rp)"), min_value=0, initial=0)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["programme"]).queryset = Programme.objects.filter(
            pk__in=[p.pk for p in programmes]
        )



DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InterventionForm(forms.Form):
    """Record one intervention (``beneficiary`` is a NIK or No KK of the register) or edit
    one (``editing``: no beneficiary and no status, those have their own actions)."""

    beneficiary = forms.CharField(
        label=_("NIK or No KK"), max_length=40,
        help_text=_("A NIK records it for that person (and their family); a No KK for the "
                    "family."))
    year = forms.IntegerField(label=_("period (year)"), min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("status"), choices=[
        (s, label) for s, label in Intervention.Status.choices
        if s in ("planned", "delivered", "completed")])
    date = forms.DateField(label=_("date of the status"), required=False, widget=DATE_INPUT,
                           help_text=_("Empty: today."))
    item = forms.CharField(label=_("item given"), max_length=200, required=False)
    units = forms.FloatField(label=_("quantity"), min_value=0, required=False)
    value = forms.IntegerField(label=_("value (Rp)"), min_value=0, initial=0)
    note = forms.CharField(label=_("note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    planned_on = forms.DateField(label=_("planned on"), required=False, widget=DATE_INPUT)
    delivered_on = forms.DateField(label=_("delivered on"), required=False, widget=DATE_INPUT)
    completed_on = forms.DateField(label=_("completed on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("beneficiary", "status", "date"):
                del self.fields[name]
        else:
            for name in ("planned_on", "delivered_on", "completed_on"):
                del self.fields[name]


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=Intervention.Status.choices)
    date = forms.DateField(label=_("date"), required=False, widget=DATE_INPUT)
    reason = forms.CharField(label=_("reason for cancelling"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=300)
    date = forms.DateField(label=_("date"), required=False, widget=DATE_INPUT,
                           help_text=_("Empty: today."))


class StatusFileForm(forms.Form):
    file = forms.FileField(label=_("file (CSV or Excel)"))


class ColumnMappingForm(forms.Form):
    """For each field of a status file, the column of the file that holds it."""

    def __init__(self, *args, headers: list[str], labels: dict, initial_mapping: dict,
                 **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(h, h) for h in headers]]
        for field, label in labels.items():
            self.fields[field] = forms.ChoiceField(
                label=label, choices=choices, required=False,
                initial=initial_mapping.get(field, ""))

    def mapping(self) -> dict:
        return {f: h for f, h in self.cleaned_data.items() if h}
