"""The LP2KD panel of the home page: the annual report waiting for the chair."""

from django.urls import reverse
from django.utils.translation import gettext as _

from konvergen.accounts import access
from konvergen.core.home import Item
from konvergen.reports.models import Report, State


def panel(user) -> list[Item]:
    if not access.has_scope(user, feature="lp2kd_approve"):
        return []
    n = access.visible(user, Report.objects.filter(state=State.REVIEW), feature="lp2kd_approve",
                       region_field="region__code").count()
    return [Item(_("Annual reports (LP2KD) to approve"), reverse("reports:index"), n)]
