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
        self.fields["programme"].queryset = Programme.objects.filter(
            pk__in=[p.pk for p in programmes]
        )

