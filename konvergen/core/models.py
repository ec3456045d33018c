"""Model pieces several apps share, and the background job queue (``Job``, see ``jobs.py``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StepEvent(models.Model):
    """One step of a sign-off chain (plans, LP2KD reports): who moved the object from which
    state to which, when, with what comment."""

    action = models.CharField(max_length=10)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class Job(models.Model):
    """One background job: a function named by its dotted path with JSON arguments, queued in
    the database and run by ``konvergen worker`` (``core.jobs``). ``kind`` and
    ``region_code`` say what it computes for which region, so pages can tell when the
    figures they show come from before a failed recompute."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=100)
    func = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    region_code = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    #: Not claimed before this time (the back-off between attempts).
    run_after = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: ``host:pid:token`` of the worker running it (blank when not running).
    worker = models.CharField(max_length=120, blank=True)
    #: The last attempt's traceback, or why the worker was lost.
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "run_after"], name="core_job_claim"),
            models.Index(fields=["region_code", "kind"], name="core_job_region_kind"),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} {self.status}"

    @property
    def reason(self) -> str:
        """The last line of the error (the exception and its message)."""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1].strip()[:300] if lines else ""


class HookFailure(models.Model):
    """A handler of an event (``core.hooks``) that failed, or was skipped because one it
    runs after failed, for a region: pages show it like a failed background job until the
    handler succeeds there again (``resolved_at``)."""

    class Status(models.TextChoices):
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    event = models.CharField(max_length=100)
    handler = models.CharField(max_length=100)
    region_code = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FAILED)
    #: The traceback, or which handlers before it failed.
    error = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["region_code", "handler"], name="core_hookfail_region")]

    def __str__(self) -> str:
        return f"hook {self.handler} of {self.event} {self.status}"

    @property
    def finished_at(self):
        """When it failed (named like ``Job.finished_at`` for the failure notice)."""
        return self.at

    @property
    def kind(self) -> str:
        return self.handler

    @property
    def reason(self) -> str:
        """The last line of the error (the exception and its message)."""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1].strip()[:300] if lines else ""
