"""Writing the audit log. Every service that changes state calls :func:`audit_record`
inside its own transaction, so the change and its audit row commit or fail together."""

from typing import Any

from django.db import models

from konvergen.audit.context import current_ip
from konvergen.audit.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def is_read_action(action: str) -> bool:
    """Actions that name a view, an export or a download of data are reads by convention
    (``personal_data.family_view``, ``plans.export_e81``, ``meetings.minutes_download``)."""
    verb = action.rsplit(".", 1)[-1]
    return (action.startswith("personal_data.") or verb.startswith(("export", "download"))
            or verb.endswith(("_view", "_export", "_download")))


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    changes: dict | None = None,
    read: bool = False,
) -> AuditEntry:
    """Append one audit row. ``actor`` is a user or None for system jobs (then named by
    ``changes['command']`` or similar). ``read`` marks a view or an export of data rather
    than a change (cached pages are not recomputed for it)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = user.get_username() if user else (str(actor) if actor else "system")
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        object_type=object_type,
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        region_code=region_code,
        changes=_jsonable(changes or {}),
        ip_address=current_ip.get(),
        is_read=read or is_read_action(action),
    )


def model_changes(instance: models.Model, fields: list[str], new_values: dict) -> dict:
    """``{field: [old, new]}`` for the fields whose value differs."""
    diff = {}
    for name in fields:
        if name in new_values and getattr(instance, name) != new_values[name]:
            diff[name] = [getattr(instance, name), new_values[name]]
    return diff
