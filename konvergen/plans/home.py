"""The action-plans panel of the home page: plans and quarterly reports waiting for the
user's step in the sign-off chain, and those returned to the user's organisation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from konvergen.accounts import access
from konvergen.core.home import Item
from konvergen.plans.models import ActionPlan, QuarterReport, State

#: (feature, state waiting for it, label)
_STEPS = (
    ("plans_verify", State.SUBMITTED, lambda: _("Plans and reports to verify")),
    ("plans_approve", State.VERIFIED, lambda: _("Plans and reports to approve")),
    ("plans_edit", State.RETURNED, lambda: _("Plans and reports returned to you")),
)


def panel(user) -> list[Item]:
    items = []
    for feature, state, label in _STEPS:
        if not access.has_feature(user, feature):
            continue
        where = access.plans_q(user, feature=feature)
        n = (ActionPlan.objects.filter(where, state=state).count()
             + QuarterReport.objects.filter(plan__in=ActionPlan.objects.filter(where),
                                            state=state).count())
        items.append(Item(label(), reverse("plans:index"), n))
    return items
