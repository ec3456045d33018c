"""Admin base class: every change made through the Django admin lands in the audit log."""

from django.contrib import admin
from django.db import transaction

from konvergen.audit.services import audit_record


def _region_code(obj) -> str:
    for attr in ("region_id", "code"):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            return value
    return ""


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        changes = {
            name: [form.initial.get(name), form.cleaned_data.get(name)]
            for name in form.changed_data
        }
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="admin.change" if change else "admin.add",
                obj=obj,
                region_code=_region_code(obj),
                changes=changes,
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user, action="admin.delete", obj=obj, region_code=_region_code(obj)
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user,
                    action="admin.delete",
                    obj=obj,
                    region_code=_region_code(obj),
                )
            super().delete_queryset(request, queryset)
