from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.organisations.models import Organisation, OrganisationKind, Pentahelix


class OrganisationForm(forms.ModelForm):
    """A stakeholder: new ones also choose the region they are based in (a kab/kota or
    province the user keeps)."""

    region_code = forms.ChoiceField(label=_("region"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "pentahelix", "is_active"]

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is None:  # editing: the region stays
            del self.fields["region_code"]
        else:
            cast(forms.ChoiceField, self.fields["region_code"]).choices = [
                (r.code, f"{r.code} {r.name}") for r in regions]
            self.fields["region_code"].required = True
            del self.fields["is_active"]
        cast(forms.ChoiceField, self.fields["kind"]).choices = OrganisationKind.choices
        cast(forms.ChoiceField, self.fields["pentahelix"]).choices = Pentahelix.choices

    def organisation_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "region_code"}
        return data
