"""Writes of the agglomerations app: define an agglomeration and change it (its agreement
and its members with their sectors), each in one transaction with its audit row."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from konvergen.accounts import access
from konvergen.agglomerations.models import Agglomeration, Member
from konvergen.audit.services import audit_record
from konvergen.programs.models import Sector
from konvergen.regions.codes import province_of
from konvergen.regions.models import Level, Region

ERR_NOT_YOURS = "not_yours"
ERR_FEW_MEMBERS = "few_members"
ERR_MEMBER_LEVEL = "member_level"
ERR_MEMBER_TWICE = "member_twice"
ERR_SECTOR = "sector"
ERR_NAME = "name"

#: The agreement's fields a form may set.
FIELDS = ("name", "description", "mou_number", "mou_date", "parties")
MIN_MEMBERS = 2


@dataclass(frozen=True)
class MemberSpec:
    """One member as a form gives it: a kab/kota code and its sectors."""

    region_code: str
    leading_sector: str
    supporting_sectors: Sequence[str] = field(default_factory=tuple)


def owner_scope_of(codes: Sequence[str]) -> str:
    """The province every member lies in, or "" when they span provinces."""
    provinces = {province_of(c) for c in codes}
    return provinces.pop() if len(provinces) == 1 else ""


def _clean_members(members: Sequence[MemberSpec]) -> list[MemberSpec]:
    """Check the members (kab/kota in the code list, each once, known sectors); keep the
    supporting sectors once each, in the sectors' own order, without the leading one."""
    codes = [m.region_code for m in members]
    if len(codes) != len(set(codes)):
        raise ValidationError(_("A kabupaten/kota can be a member only once."),
                              code=ERR_MEMBER_TWICE)
    if len(codes) < MIN_MEMBERS:
        raise ValidationError(_("An agglomeration needs at least two members."),
                              code=ERR_FEW_MEMBERS)
    regions = set(Region.objects.filter(code__in=codes, level=Level.KABKOTA, is_active=True)
                  .values_list("code", flat=True))
    unknown = sorted(set(codes) - regions)
    if unknown:
        raise ValidationError(
            _("Members must be kabupaten or kota of the current code list: %(codes)s.")
            % {"codes": ", ".join(unknown)}, code=ERR_MEMBER_LEVEL)
    order = {value: n for n, value in enumerate(Sector.values)}
    clean = []
    for m in members:
        supporting = set(m.supporting_sectors) - {m.leading_sector}
        if m.leading_sector not in order or not supporting <= set(order):
            raise ValidationError(_("Unknown sector."), code=ERR_SECTOR)
        clean.append(MemberSpec(m.region_code, m.leading_sector,
                                tuple(sorted(supporting, key=order.__getitem__))))
    return clean


def _require_manage(user, codes: Sequence[str]) -> None:
    if not access.may_manage_agglomeration(user, codes):
        raise ValidationError(_("You may not define an agglomeration of these regions."),
                              code=ERR_NOT_YOURS)


def _member_state(members) -> dict[str, list]:
    return {m.region_code if isinstance(m, MemberSpec) else m.region_id:
            [m.leading_sector, list(m.supporting_sectors)] for m in members}


def agglomeration_create(*, data: dict, members: Sequence[MemberSpec],
                         acting_user) -> Agglomeration:
    """Define an agglomeration of ``members`` (kab/kota with their sectors) with its
    agreement ``data`` (``FIELDS``); the acting user's management scope must cover every
    member."""
    members = _clean_members(members)
    codes = [m.region_code for m in members]
    _require_manage(acting_user, codes)
    if not (data.get("name") or "").strip():
        raise ValidationError(_("Give the agglomeration a name."), code=ERR_NAME)
    with transaction.atomic():
        agglomeration = Agglomeration(created_by=acting_user, updated_by=acting_user,
                                      owner_scope=owner_scope_of(codes))
        for name in FIELDS:
            setattr(agglomeration, name, _value(data, name))
        agglomeration.save()
        Member.objects.bulk_create(
            Member(agglomeration=agglomeration, region_id=m.region_code,
                   leading_sector=m.leading_sector, supporting_sectors=list(m.supporting_sectors))
            for m in members)
        audit_record(actor=acting_user, action="agglomerations.create", obj=agglomeration,
                     region_code=agglomeration.owner_scope,
                     changes={**{n: _json(getattr(agglomeration, n)) for n in FIELDS},
                              "members": _member_state(members)})
    return agglomeration


def agglomeration_update(*, agglomeration: Agglomeration, data: dict,
                         members: Sequence[MemberSpec], acting_user) -> Agglomeration:
    """Change the agreement and the members (added, removed, sectors changed); the acting
    user must manage both the old and the new members. Audited with what changed."""
    members = _clean_members(members)
    codes = [m.region_code for m in members]
    if not (data.get("name") or "").strip():
        raise ValidationError(_("Give the agglomeration a name."), code=ERR_NAME)
    with transaction.atomic():
        agglomeration = Agglomeration.objects.select_for_update().get(pk=agglomeration.pk)
        if agglomeration.archived:
            raise ValidationError(_("This agglomeration is archived: restore it to change it."),
                                  code="archived")
        old = {m.region_id: m for m in Member.objects.filter(agglomeration=agglomeration)}
        _require_manage(acting_user, [*old, *codes])
        changes: dict = {}
        for name in FIELDS:
            value = _value(data, name)
            if getattr(agglomeration, name) != value:
                changes[name] = [_json(getattr(agglomeration, name)), _json(value)]
                setattr(agglomeration, name, value)
        before, after = _member_state(old.values()), _member_state(members)
        if before != after:
            changes["members"] = {
                "added": sorted(set(after) - set(before)),
                "removed": sorted(set(before) - set(after)),
                "changed": {c: [before[c], after[c]] for c in sorted(set(before) & set(after))
                            if before[c] != after[c]},
            }
        agglomeration.owner_scope = owner_scope_of(codes)
        agglomeration.updated_by = acting_user
        agglomeration.save()
        Member.objects.filter(agglomeration=agglomeration).exclude(region_id__in=codes).delete()
        for m in members:
            row = old.get(m.region_code) or Member(agglomeration=agglomeration,
                                                   region_id=m.region_code)
            if row.pk and [row.leading_sector, row.supporting_sectors] == after[m.region_code]:
                continue
            row.leading_sector, row.supporting_sectors = m.leading_sector, list(
                m.supporting_sectors)
            row.save()
        if changes:
            audit_record(actor=acting_user, action="agglomerations.update", obj=agglomeration,
                         region_code=agglomeration.owner_scope, changes=changes)
    return agglomeration


def agglomeration_archive(*, agglomeration: Agglomeration, archived: bool,
                          acting_user) -> Agglomeration:
    """Archive an agglomeration whose cooperation ended (or bring it back); the acting user
    must manage every member. Audited."""
    with transaction.atomic():
        agglomeration = Agglomeration.objects.select_for_update().get(pk=agglomeration.pk)
        _require_manage(acting_user, list(agglomeration.members.values_list("region_id",
                                                                            flat=True)))
        if agglomeration.archived != archived:
            agglomeration.archived, agglomeration.updated_by = archived, acting_user
            agglomeration.save(update_fields=["archived", "updated_by", "updated_at"])
            audit_record(actor=acting_user, action="agglomerations.archive", obj=agglomeration,
                         region_code=agglomeration.owner_scope,
                         changes={"archived": [not archived, archived]})
    return agglomeration


def _value(data: dict, name: str):
    value = data.get(name)
    if name == "mou_date":
        return value or None
    return (value or "").strip()


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
