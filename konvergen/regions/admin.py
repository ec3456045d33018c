from django.contrib import admin

from konvergen.audit.admin_base import AuditedModelAdmin
from konvergen.regions.models import CodeListVersion, Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "level", "kind", "bps_code", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("code", "name", "bps_code")
    readonly_fields = ("code", "level", "parent", "geometry", "version")
    show_full_result_count = False


@admin.register(CodeListVersion)
class CodeListVersionAdmin(AuditedModelAdmin):
    list_display = ("label", "source", "loaded_at")
    readonly_fields = ("label", "source", "loaded_at", "summary")
