"""Model pieces several apps share (abstract only: core owns no table)."""

from django.conf import settings
from django.db import models


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
