from django.contrib import admin

from konvergen.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_repr", "region_code")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_repr", "object_id", "region_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
