from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konvergen.audit.models import AuditEntry
from konvergen.audit.services import audit_record
from konvergen.core.models import Job


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


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The background job queue, for administrators: what ran, what failed and why.

    Registered here rather than in core because running a job again is audited."""

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
