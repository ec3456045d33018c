from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.portal.models import Publication


class PublicationForm(forms.ModelForm):
    #: An explicit choice (not a checkbox), so an empty form changes nothing.
    published = forms.TypedChoiceField(
        label=_("Publish on the public portal"), widget=forms.RadioSelect,
        choices=[("1", _("Yes: anyone may see the region's aggregates")),
                 ("0", _("No: nothing of the region is public"))],
        coerce=lambda value: value == "1")

    class Meta:
        model = Publication
        fields = ["published", "producer", "contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = kwargs.get("instance")
        self.initial["published"] = "1" if instance and instance.published else "0"
