"""The agglomeration form: its agreement, and one row per member (a kab/kota chosen among
those the user coordinates, its leading sector and supporting sectors). A row left without
a region is ignored: that is how a member is removed."""

from typing import cast

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from konvergen.agglomerations.services import MemberSpec
from konvergen.programs.models import Sector


class AgglomerationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    mou_number = forms.CharField(label=_("MoU number"), max_length=120, required=False)
    mou_date = forms.DateField(label=_("MoU date"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    parties = forms.CharField(label=_("Parties"), required=False,
                              help_text=_("One party per line."),
                              widget=forms.Textarea(attrs={"rows": 4}))


class MemberForm(forms.Form):
    region = forms.ChoiceField(label=_("Kabupaten/kota"), required=False)
    leading_sector = forms.ChoiceField(label=_("Leading sector"), required=False,
                                       choices=[("", "—"), *Sector.choices])
    supporting_sectors = forms.MultipleChoiceField(
        label=_("Supporting sectors"), required=False, choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, region_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "—"), *region_choices]

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        if data.get("region") and not data.get("leading_sector"):
            self.add_error("leading_sector", _("Choose the member's leading sector."))
        return data

    def spec(self) -> MemberSpec | None:
        data = self.cleaned_data
        if not data.get("region"):
            return None
        return MemberSpec(data["region"], data["leading_sector"],
                          tuple(data.get("supporting_sectors") or ()))


def member_formset(*, data=None, initial=None, blank_rows: int, region_choices):
    """The member rows: ``initial`` ones (the current members) and ``blank_rows`` more."""
    formset_class = formset_factory(MemberForm, extra=blank_rows)
    return formset_class(data, initial=initial, prefix="members",
                         form_kwargs={"region_choices": region_choices})
