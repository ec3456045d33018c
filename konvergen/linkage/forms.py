from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.linkage.models import BeneficiaryList
from konvergen.registry.forms import MAPPING_HELP, parse_mapping_lines


class ListUploadForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Register"))
    name = forms.CharField(label=_("Name of the list"), max_length=200)
    file = forms.FileField(label=_("List file (CSV or XLSX)"))
    unit = forms.ChoiceField(
        label=_("Each row of the list is"),
        choices=BeneficiaryList.Unit.choices,
        initial=BeneficiaryList.Unit.PERSON,
        required=False,
        help_text=_(
            "A list of families is linked to register families: a row matches its family "
            "by No KK, or through any member (the head's name, another member's NIK)."
        ),
    )
    mapping = forms.CharField(
        label=_("Column mapping"),
        required=False,
        help_text=MAPPING_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, datasets, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["dataset"]).choices = [(d.pk, str(d)) for d in datasets]

    def clean_unit(self) -> str:
        return self.cleaned_data.get("unit") or BeneficiaryList.Unit.PERSON

    def clean_mapping(self) -> dict[str, str]:
        return parse_mapping_lines(self.cleaned_data["mapping"])


class RetrainForm(forms.Form):
    m_estimation = forms.ChoiceField(
        label=_("Agreement among true matches (m)"),
        choices=[
            ("prior", _("Field priors (how lists are typed in the field)")),
            ("em", _("Estimated from the register (EM), priors where it fails")),
        ],
    )


class ThresholdsForm(forms.Form):
    accept = forms.FloatField(
        label=_("Accept at or above (match probability)"), min_value=0.0, max_value=1.0
    )
    review = forms.FloatField(label=_("Send to review at or above"), min_value=0.0, max_value=1.0)

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean() returns cleaned_data
        if (
            cleaned.get("review") is not None
            and cleaned.get("accept") is not None
            and not 0 < cleaned["review"] <= cleaned["accept"]
        ):
            raise forms.ValidationError(_("Thresholds need 0 < review ≤ accept ≤ 1."))
        return cleaned
