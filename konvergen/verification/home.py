"""The verification panel of the home page: proposals waiting for the user's step."""

from django.urls import reverse
from django.utils.translation import gettext as _

from konvergen.accounts import access
from konvergen.core.home import Item
from konvergen.verification.models import Proposal

State = Proposal.State
#: (feature, state waiting for it, label)
_STEPS = (
    ("verification_validate", State.SUBMITTED, lambda: _("Village proposals to validate")),
    ("verification_ratify", State.VALIDATED, lambda: _("Validated proposals to ratify")),
    ("verification_propose", State.RETURNED, lambda: _("Proposals returned to you")),
)


def panel(user) -> list[Item]:
    items = []
    for feature, state, label in _STEPS:
        if not access.has_feature(user, feature):
            continue
        n = access.visible(user, Proposal.objects.filter(state=state), feature=feature,
                           region_field="region_code").count()
        items.append(Item(label(), reverse("verification:index") + f"?state={state}", n))
    return items
