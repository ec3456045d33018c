from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The home page and the health check (namespace "core": core:home, core:healthz).
    path("", include("konvergen.accounts.home_urls")),
    path("accounts/", include("konvergen.accounts.urls")),
    # The region, audit and stakeholder pages ask the access policy: their views live in
    # accounts (namespaces unchanged).
    path("regions/", include("konvergen.accounts.region_urls")),
    path("register/", include("konvergen.registry.urls")),
    path("linkage/", include("konvergen.linkage.urls")),
    path("audit/", include("konvergen.accounts.audit_urls")),
    path("welfare/", include("konvergen.welfare.urls")),
    path("programmes/", include("konvergen.programs.urls")),
    path("stakeholders/", include("konvergen.accounts.organisation_urls")),
    path("convergence/", include("konvergen.convergence.urls")),
    path("verification/", include("konvergen.verification.urls")),
    path("targets/", include("konvergen.targets.urls")),
    path("plans/", include("konvergen.plans.urls")),
    path("scorecards/", include("konvergen.scorecards.urls")),
    path("reports/", include("konvergen.reports.urls")),
    path("agglomerations/", include("konvergen.agglomerations.urls")),
    path("meetings/", include("konvergen.meetings.urls")),
    # DCI Social Registry API: /registry/sync/search, /registry/sync/txn/status.
    path("registry/", include("konvergen.dci.urls")),
    # The public portal (/publik/…) and its CKAN-compatible read API (/api/3/action/…).
    path("", include("konvergen.portal.urls")),
    # The REST API for other systems (token per client; docs/api.md).
    path("api/v1/", include("konvergen.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
