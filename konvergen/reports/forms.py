from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konvergen.reports.generators import GENERATORS
from konvergen.reports.models import Language
from konvergen.reports.services import STEPS

#: What the outline form does to the section, chapter or block it names.
OUTLINE_OPS = ("section_add", "section_rename", "section_up", "section_down", "section_remove",
               "block_add", "block_up", "block_down", "block_remove")


class CreateForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    language = forms.ChoiceField(label=_("language"), choices=Language.choices,
                                 initial=Language.ID)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The report of a year is written early the next year.
        self.fields["year"].initial = timezone.localdate().year - 1


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in STEPS])
    note = forms.CharField(required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class GenerateForm(forms.Form):
    """The button's own field: an empty post starts nothing."""

    confirm = forms.BooleanField(required=True)


class OutlineForm(forms.Form):
    op = forms.ChoiceField(choices=[(o, o) for o in OUTLINE_OPS])
    target = forms.IntegerField(min_value=1)
    title = forms.CharField(required=False, max_length=200)
    generator = forms.CharField(required=False, max_length=40)


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 16, "id": "block-text"}),
        help_text=_("Paragraphs are separated by an empty line. {region} and {year} are "
                    "replaced by the region's name and the report's year."))


class ParamsForm(forms.Form):
    """The settings a generator takes: indicators (several or one) or a number of rows."""

    def __init__(self, *args, generator: str, indicators: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        defaults = GENERATORS[generator].params
        if "codes" in defaults:
            self.fields["codes"] = forms.MultipleChoiceField(
                label=_("Indicators"), choices=indicators,
                widget=forms.CheckboxSelectMultiple)
        if "code" in defaults:
            self.fields["code"] = forms.ChoiceField(label=_("Indicator"), choices=indicators)
        if "limit" in defaults:
            self.fields["limit"] = forms.IntegerField(label=_("Number of rows"), min_value=1,
                                                      max_value=50)
