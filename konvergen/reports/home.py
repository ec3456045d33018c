"""The LP2KD panel of the home page: the annual report waiting for the chair."""

from django.urls import reverse
from django.utils.translation import gettext as _

from konvergen.accounts import access
from konvergen.core.home import Item
from konvergen.reports.models import Report, State


def panel(user) -> list[Item]:
    scopes = access.scope_codes(user, feature="lp2kd_approve")
    if not scopes:
        return []
    n = Report.objects.filter(access.scope_q(scopes, "region__code"), state=State.REVIEW).count()
    return [Item(_("Annual reports (LP2KD) to approve"), reverse("reports:index"), n)]
