"""Admin base class: every change made through the Django admin lands in the audit log."""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konvergen.audit.services import audit_record
from konvergen.core.models import Job


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


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The background job queue, for administrators: what ran, what failed and why."""

    list_display = ("id", "kind", "region_code", "status", "attempts", "created_at",
                    "finished_at", "reason")
    list_filter = ("status", "kind")
    search_fields = ("kind", "region_code", "func")
    ordering = ("-id",)
    actions = ["run_again"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Run the failed jobs again"))
    def run_again(self, request, queryset):
        with transaction.atomic():
            for job in queryset.filter(status=Job.Status.FAILED):
                Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
                    status=Job.Status.QUEUED, attempts=0, run_after=timezone.now(),
                    finished_at=None,
                )
                audit_record(actor=request.user, action="core.job_requeue", obj=job,
                             region_code=job.region_code, changes={"kind": job.kind})
