from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from konvergen.accounts.models import RoleAssignment, TotpDevice, User
from konvergen.audit.admin_base import AuditedModelAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("region",)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    inlines = [RoleAssignmentInline]

    def save_formset(self, request, form, formset, change):
        from konvergen.audit.services import audit_record

        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
            audit_record(
                actor=request.user, action="admin.role_change", obj=obj,
                region_code=obj.region_id or "",
            )
        for obj in formset.deleted_objects:
            audit_record(
                actor=request.user,
                action="admin.role_delete",
                object_type="accounts.roleassignment",
                object_repr=str(obj)[:200],
                region_code=obj.region_id or "",
            )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    list_display = ("user", "role", "region", "organisation", "personal_data")
    list_filter = ("role",)
    autocomplete_fields = ("region", "user")


@admin.register(TotpDevice)
class TotpDeviceAdmin(AuditedModelAdmin):
    """Administrators switch off a user's two-factor sign-in (a lost phone) by deleting
    the device; the secret is never shown."""

    list_display = ("user", "confirmed_at", "created_at")
    search_fields = ("user__username",)
    fields = ("user", "confirmed_at", "created_at")
    readonly_fields = ("user", "confirmed_at", "created_at")

    def has_add_permission(self, request):
        return False
