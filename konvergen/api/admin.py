from django.contrib import admin

from konvergen.api.models import ApiClient
from konvergen.audit.admin_base import AuditedModelAdmin


@admin.register(ApiClient)
class ApiClientAdmin(AuditedModelAdmin):
    """Clients are created with ``konvergen api-client create`` (the token is shown once);
    here they are listed and revoked (untick active)."""

    list_display = ["name", "user", "rate_limit", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "user__username", "token_prefix"]
    readonly_fields = ["token_prefix", "token_sha256", "created_by", "created_at",
                       "revoked_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
