from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access

#: The navigation: (feature, url name, label). Only items whose feature the user has show.
NAVIGATION = [
    ("regions", "regions:index", _("Regions")),
    ("register", "registry:families", _("Families")),
    ("register_import", "registry:home", _("Register imports")),
    ("verification", "verification:index", _("Village verification")),
    ("linkage", "linkage:index", _("Lists and linkage")),
    ("programmes", "programs:index", _("Programmes")),
    ("stakeholders", "organisations:index", _("Stakeholders")),
    ("groups", "programs:groups", _("Groups")),
    ("convergence", "convergence:index", _("Convergence")),
    ("targets", "targets:index", _("Targets and indicators")),
    ("plans", "plans:index", _("Action plans")),
    ("scorecards", "scorecards:index", _("Scorecards")),
    ("lp2kd", "reports:index", _("Annual report (LP2KD)")),
    ("meetings", "meetings:index", _("TKPK meetings")),
    ("agglomerations", "agglomerations:index", _("Agglomerations")),
    ("welfare_settings", "welfare:settings-index", _("Needs settings")),
    ("users_manage", "accounts:users", _("Users")),
    ("audit", "audit:list", _("Audit log")),
    ("admin_site", "admin:index", _("Administration")),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse(url), "label": label}
        for feature, url, label in NAVIGATION
        if access.has_feature(user, feature)
    ]
    return {"nav_items": items, "user_roles": sorted(access.roles_of(user))}
