from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.registry.models import Source

MAPPING_HELP = _("Optional. One per line: Header in your file=field, e.g. 'Nomor Induk=nik'.")
BAD_MAPPING = _("Line %(line)s: write it as 'Header=field'.")


class ImportForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.P3KE)
    region = forms.ChoiceField(label=_("Region"))
    snapshot_date = forms.DateField(
        label=_("Snapshot date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    families = forms.FileField(label=_("Families file (CSV or XLSX)"))
    members = forms.FileField(label=_("Members file (CSV or XLSX)"))
    mapping = forms.CharField(
        label=_("Column mapping"),
        required=False,
        help_text=MAPPING_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            (r.code, f"{r.code} {r.name}") for r in regions]

    def clean_mapping(self) -> dict[str, str]:
        return parse_mapping_lines(self.cleaned_data["mapping"])


def parse_mapping_lines(text: str) -> dict[str, str]:
    """'Header=field' lines of a mapping text box, as a dict (ValidationError per bad line)."""
    mapping = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        header, sep, field = line.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise forms.ValidationError(BAD_MAPPING, params={"line": number})
        mapping[header.strip()] = field.strip()
    return mapping
