from django.contrib import admin

from konvergen.audit.admin_base import AuditedModelAdmin
from konvergen.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "short_name", "kind", "pentahelix", "region", "is_active")
    list_filter = ("kind", "pentahelix", "is_active")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("region",)
