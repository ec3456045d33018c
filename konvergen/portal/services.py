"""Writes of the public portal: a kab/kota's decision to publish (audited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from konvergen.audit.services import audit_record, model_changes
from konvergen.portal.models import Publication
from konvergen.regions.models import Level

FIELDS = ("published", "producer", "contact")


def publication_set(*, region, values: dict, acting_user) -> Publication:
    """Turn the region's public pages on or off and name its data producer."""
    if region.level != Level.KABKOTA:
        raise ValidationError(_("Only a kabupaten or kota publishes on the portal."),
                              code="level")
    with transaction.atomic():
        row, _created = Publication.objects.select_for_update().get_or_create(region=region)
        changes = model_changes(row, list(FIELDS), values)
        for name, (_old, new) in changes.items():
            setattr(row, name, new)
        row.updated_by = acting_user
        row.save()
        if changes:
            audit_record(actor=acting_user, action="portal.publication_set", obj=row,
                         region_code=region.code, changes=changes)
    return row
