from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from konvergen.audit.services import audit_record, model_changes
from konvergen.organisations.catalogue import STANDARD_AGENCIES
from konvergen.organisations.models import Organisation, OrganisationKind, Pentahelix


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


ORGANISATION_FIELDS = ["name", "short_name", "kind", "pentahelix", "is_active"]


def _check(region, name: str, kind: str, pentahelix: str, *, exclude: int | None = None):
    if kind not in OrganisationKind.values or pentahelix not in Pentahelix.values:
        raise ValidationError(_("Unknown organisation type or pentahelix category."))
    if not name.strip():
        raise ValidationError(_("Give the organisation a name."))
    clash = Organisation.objects.filter(region=region, name__iexact=name.strip())
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError(
            _("%(region)s already has an organisation named %(name)s.")
            % {"region": region.name, "name": name.strip()})


def organisation_create(*, region, name: str, short_name: str = "", kind: str,
                        pentahelix: str, acting_user) -> Organisation:
    _check(region, name, kind, pentahelix)
    with transaction.atomic():
        org = Organisation.objects.create(region=region, name=name.strip(),
                                          short_name=short_name.strip(), kind=kind,
                                          pentahelix=pentahelix)
        audit_record(actor=acting_user, action="organisations.create", obj=org,
                     region_code=region.code,
                     changes={"name": org.name, "kind": kind, "pentahelix": pentahelix})
    return org


def organisation_update(*, organisation: Organisation, acting_user, **fields) -> Organisation:
    merged = {f: getattr(organisation, f) for f in ORGANISATION_FIELDS} | fields
    _check(organisation.region, merged["name"], merged["kind"], merged["pentahelix"],
           exclude=organisation.pk)
    with transaction.atomic():
        changes = model_changes(organisation, ORGANISATION_FIELDS, fields)
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.save()
        if changes:
            audit_record(actor=acting_user, action="organisations.update", obj=organisation,
                         region_code=organisation.region_id, changes=changes)
    return organisation


def standard_agencies_seed(*, region, acting_user) -> list[Organisation]:
    """Add the standard agencies (``catalogue.STANDARD_AGENCIES``) a kab/kota does not have
    yet, matched by name; return the ones added. Running it again adds nothing."""
    have = {n.lower() for n in Organisation.objects.filter(region=region)
            .values_list("name", flat=True)}
    added = []
    with transaction.atomic():
        for short, name, kind, penta in STANDARD_AGENCIES:
            if name.lower() in have:
                continue
            added.append(organisation_create(region=region, name=name, short_name=short,
                                             kind=kind, pentahelix=penta,
                                             acting_user=acting_user))
    return added
