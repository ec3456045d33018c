from django.db import transaction

from konvergen.audit.services import audit_record
from konvergen.organisations.models import Organisation


def organisation_get_or_create(
    *, region, name: str, short_name: str, kind: str, pentahelix: str, acting_user=None
) -> Organisation:
    with transaction.atomic():
        org, created = Organisation.objects.get_or_create(
            region=region,
            name=name,
            defaults={"short_name": short_name, "kind": kind, "pentahelix": pentahelix},
        )
        if created:
            audit_record(
                actor=acting_user,
                action="organisations.create",
                obj=org,
                region_code=region.code,
                changes={"name": name, "kind": kind, "pentahelix": pentahelix},
            )
    return org
