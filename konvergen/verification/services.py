"""Writes of village verification: proposals, musdes records, their life cycle, and laying
ratified local decisions over the register (the after-import hook).

Every function runs in one transaction with its audit row. Who may do a step is asked of
``accounts.access`` here as well as in the views, so a crafted request or a script cannot
propose for another desa or validate outside its kabupaten.
"""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.core import jobs
from konvergen.regions.filters import within_q
from konvergen.registry.models import (
    Dataset,
    Family,
    FamilyRecord,
    Person,
    PersonRecord,
    Snapshot,
)
from konvergen.registry.services import register_refresh
from konvergen.verification.models import Correction, Musdes, Proposal, ProposalEvent

State, Kind = Proposal.State, Proposal.Kind

#: Current-value fields a ratified correction overwrites on the register's identities.
FAMILY_FIELDS = ("kk_number", "head_nik", "head_name", "address")
PERSON_FIELDS = ("nik", "name", "birth_date", "relation")
#: Housing fields a correction may carry: recorded, exported upstream and compared with the
#: next snapshot, but not written (they live in the snapshot's own records).
HOUSING_FIELDS = ("house_ownership", "roof_type", "wall_type", "floor_type",
                  "lighting_source", "cooking_fuel", "water_source", "toilet_facility")

NOT_YOURS = _("You may not do this for this desa/kelurahan.")
INVALID_TRANSITION = _("A proposal that is %(state)s cannot be %(action)s.")
NOTE_REQUIRED = _("Write a note saying why.")
MUSDES_REQUIRED = _("Choose the village deliberation (musdes/muskel) of this desa that "
                    "agreed the proposal.")
FAMILY_OUTSIDE = _("This family does not belong to this desa/kelurahan.")
NOTHING_CHANGED = _("Nothing to correct: no value differs from the register.")
NEW_NEEDS_ID = _("A new family needs a head of family and a No KK or the head's NIK.")
UNKNOWN_MEMBER = _("A corrected member does not belong to this family.")
REASON_REQUIRED = _("Choose the reason for the deactivation.")
FAMILY_REQUIRED = _("Choose the family.")


class VerificationError(ValidationError):
    """A refused step; its message is translated when shown."""


#: action -> (states it may start from, state it leads to, feature, past-tense label)
TRANSITIONS = {
    "submit": ({State.DRAFT, State.RETURNED}, State.SUBMITTED, "verification_propose",
               _("submitted")),
    "validate": ({State.SUBMITTED}, State.VALIDATED, "verification_validate", _("validated")),
    "return": ({State.SUBMITTED}, State.RETURNED, "verification_validate", _("returned")),
    "ratify": ({State.VALIDATED}, State.RATIFIED, "verification_ratify", _("ratified")),
    "reject": ({State.VALIDATED}, State.REJECTED, "verification_ratify", _("rejected")),
}


def allowed_actions(user, proposal: Proposal) -> list[str]:
    """The steps ``user`` may take on ``proposal`` now (for the page's buttons)."""
    return [
        action for action, (sources, _to, feature, _label) in TRANSITIONS.items()
        if proposal.state in sources and access.may_verify(user, feature, proposal.region_code)
    ]


def _require(user, feature: str, region_code: str) -> None:
    if not access.may_verify(user, feature, region_code):
        raise VerificationError(NOT_YOURS, code="not_yours")


def _clean(value) -> str:
    """Compare values as the registers spell them: upper case, single spaces."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value or "").upper().split())


# --- Musdes / muskel ----------------------------------------------------------------------


def musdes_create(*, region_code: str, held_on: dt.date, place: str, attendees_count: int,
                  attendees: str, minutes_file: str | Path, signed_by: str, acting_user) -> Musdes:
    _require(acting_user, "verification_propose", region_code)
    with transaction.atomic():
        musdes = Musdes.objects.create(
            region_code=region_code, held_on=held_on, place=place,
            attendees_count=attendees_count, attendees=attendees, minutes_file=str(minutes_file),
            signed_by=signed_by, created_by=acting_user,
        )
        audit_record(actor=acting_user, action="verification.musdes_create", obj=musdes,
                     region_code=region_code,
                     changes={"held_on": held_on, "place": place, "signed_by": signed_by,
                              "attendees_count": attendees_count,
                              "minutes_file": musdes.minutes_name})
    return musdes


# --- Proposals ----------------------------------------------------------------------------


def _correction_rows(family: Family, data: dict) -> list[Correction]:
    rows = []
    latest = FamilyRecord.objects.filter(family=family, snapshot=family.last_snapshot_id).first()
    for field, value in (data.get("family") or {}).items():
        if field in FAMILY_FIELDS:
            old = getattr(family, field)
        elif field in HOUSING_FIELDS:
            old = getattr(latest, field, "") if latest else ""
        else:
            continue
        if _clean(value) != _clean(old):
            rows.append(Correction(target=Correction.Target.FAMILY, family=family, field=field,
                                   old_value=str(old or ""), new_value=str(value or "").strip()))
    members = data.get("members") or {}
    persons = {str(p.pk): p for p in Person.objects.filter(family=family, pk__in=[
        int(k) for k in members if str(k).isdigit()])}
    for pid, fields in members.items():
        person = persons.get(str(pid))
        if person is None:
            raise VerificationError(UNKNOWN_MEMBER, code="unknown_member")
        for field, value in fields.items():
            if field not in PERSON_FIELDS or (field == "birth_date" and not value):
                continue
            old = getattr(person, field)
            if _clean(value) != _clean(old):
                rows.append(Correction(
                    target=Correction.Target.PERSON, family=family, person=person, field=field,
                    old_value=_clean(old) if field == "birth_date" else str(old or ""),
                    new_value=str(value).strip()))
    return rows


def proposal_create(*, kind: str, region_code: str, reason: str, evidence_file: str | Path,
                    family: Family | None = None, data: dict | None = None,
                    deactivation_reason: str = "", acting_user) -> Proposal:
    """A draft proposal of the village operator for a family of their desa (or a new one)."""
    _require(acting_user, "verification_propose", region_code)
    data = data or {}
    corrections: list[Correction] = []
    if kind == Kind.NEW:
        family = None
        if not data.get("head_name") or not (data.get("kk_number") or data.get("head_nik")):
            raise VerificationError(NEW_NEEDS_ID, code="new_needs_id")
    else:
        if family is None:
            raise VerificationError(FAMILY_REQUIRED, code="family_required")
        if family.region_code != region_code:
            raise VerificationError(FAMILY_OUTSIDE, code="family_outside")
        if kind == Kind.DEACTIVATION:
            if deactivation_reason not in Proposal.Reason.values:
                raise VerificationError(REASON_REQUIRED, code="reason_required")
        elif kind == Kind.CORRECTION:
            corrections = _correction_rows(family, data)
            if not corrections:
                raise VerificationError(NOTHING_CHANGED, code="nothing_changed")
        else:
            raise VerificationError(_("Unknown kind of proposal."), code="kind")
    with transaction.atomic():
        proposal = Proposal.objects.create(
            kind=kind, region_code=region_code, family=family, reason=reason,
            evidence_file=str(evidence_file), data=data,
            deactivation_reason=deactivation_reason if kind == Kind.DEACTIVATION else "",
            created_by=acting_user,
        )
        for row in corrections:
            row.proposal = proposal
        Correction.objects.bulk_create(corrections)
        ProposalEvent.objects.create(proposal=proposal, to_state=State.DRAFT, actor=acting_user)
        audit_record(
            actor=acting_user, action="verification.proposal_create", obj=proposal,
            region_code=region_code,
            changes={"kind": kind, "family": family.pk if family else None,
                     "deactivation_reason": proposal.deactivation_reason,
                     "corrections": {f"{c.target}.{c.person_id or ''}.{c.field}":
                                     [c.old_value, c.new_value] for c in corrections},
                     "data": data if kind == Kind.NEW else {},
                     "evidence": proposal.evidence_name},
        )
    return proposal


def proposal_transition(*, proposal: Proposal, action: str, note: str = "",
                        musdes: Musdes | None = None, acting_user) -> Proposal:
    """Move a proposal one step (submit, validate, return, ratify, reject), or refuse with a
    :class:`VerificationError` saying why."""
    if action not in TRANSITIONS:
        raise VerificationError(_("Unknown step."), code="action")
    sources, target, feature, label = TRANSITIONS[action]
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update(of=("self",)).select_related("family").get(
            pk=proposal.pk)
        _require(acting_user, feature, proposal.region_code)
        if proposal.state not in sources:
            raise VerificationError(
                INVALID_TRANSITION, code="invalid_transition",
                params={"state": State(proposal.state).label, "action": label})
        note = (note or "").strip()
        now = timezone.now()
        before = proposal.state
        changes: dict = {"state": [before, str(target)]}
        if action == "submit":
            if musdes is None or musdes.region_code != proposal.region_code:
                raise VerificationError(MUSDES_REQUIRED, code="musdes_required")
            proposal.musdes, proposal.submitted_at = musdes, now
            changes["musdes"] = musdes.pk
        elif action in ("validate", "return"):
            if action == "return" and not note:
                raise VerificationError(NOTE_REQUIRED, code="note_required")
            proposal.validated_by, proposal.validated_at = acting_user, now
            proposal.validation_note = note
        else:
            if action == "reject" and not note:
                raise VerificationError(NOTE_REQUIRED, code="note_required")
            proposal.ratified_by, proposal.ratified_at = acting_user, now
            proposal.ratification_note = note
        if note:
            changes["note"] = note
        proposal.state = target
        proposal.save()
        ProposalEvent.objects.create(proposal=proposal, from_state=before, to_state=target,
                                     note=note, actor=acting_user)
        audit_record(actor=acting_user, action=f"verification.proposal_{action}", obj=proposal,
                     region_code=proposal.region_code, changes=changes)
        if action == "ratify" and proposal.family is not None:
            # A local decision takes effect at once, by the same path as after an import.
            dataset = Dataset.objects.get(pk=proposal.family.dataset_id)
            local_decisions_apply(dataset=dataset, acting_user=acting_user)
            # The figures (welfare, convergence) follow in the background.
            user_id = getattr(acting_user, "pk", None)
            transaction.on_commit(lambda: jobs.start(register_refresh, dataset.pk, user_id,
                                                      kind="register.refresh",
                                                      region_code=dataset.region_id))
    return proposal


def proposal_submit(*, proposal, musdes, acting_user):
    return proposal_transition(proposal=proposal, action="submit", musdes=musdes,
                               acting_user=acting_user)


def proposal_validate(*, proposal, note="", acting_user):
    return proposal_transition(proposal=proposal, action="validate", note=note,
                               acting_user=acting_user)


def proposal_return(*, proposal, note, acting_user):
    return proposal_transition(proposal=proposal, action="return", note=note,
                               acting_user=acting_user)


def proposal_ratify(*, proposal, note="", acting_user):
    return proposal_transition(proposal=proposal, action="ratify", note=note,
                               acting_user=acting_user)


def proposal_reject(*, proposal, note, acting_user):
    return proposal_transition(proposal=proposal, action="reject", note=note,
                               acting_user=acting_user)


# --- Local decisions over the register ----------------------------------------------------


def _agreed_deactivations(pending, snapshot) -> list[int]:
    """Deactivations the snapshot agrees with: it no longer holds a family that an earlier
    snapshot of the same source held, and no other source's latest snapshot holds it
    (otherwise the family would come back as soon as the decision stopped applying)."""
    earlier = FamilyRecord.objects.filter(
        family_id=OuterRef("family_id"), snapshot__dataset_id=snapshot.dataset_id,
        snapshot__id__lt=snapshot.pk)
    source = getattr(snapshot, "source", None)
    if source:
        earlier = earlier.filter(snapshot__source=source)
    latest: dict[str, int] = {}
    for pk, src in (Snapshot.objects.filter(dataset_id=snapshot.dataset_id)
                    .order_by("snapshot_date", "id").values_list("id", "source")):
        latest[src] = pk
    in_snapshot = FamilyRecord.objects.filter(
        family_id=OuterRef("family_id"), snapshot_id__in=[snapshot.pk, *latest.values()])
    return list(pending.filter(kind=Kind.DEACTIVATION).filter(Exists(earlier))
                .exclude(Exists(in_snapshot)).values_list("pk", flat=True))


def _agreed_corrections(pending, snapshot) -> list[int]:
    """Corrections whose every corrected value the snapshot's record already has."""
    rows = list(Correction.objects.filter(proposal__in=pending.filter(kind=Kind.CORRECTION))
                .values("proposal_id", "target", "family_id", "person_id", "field",
                        "new_value"))
    if not rows:
        return []
    family_fields = sorted({r["field"] for r in rows if r["target"] == "family"})
    person_fields = sorted({r["field"] for r in rows if r["target"] == "person"})
    families = {
        r["family_id"]: r for r in FamilyRecord.objects.filter(
            snapshot_id=snapshot.pk, family_id__in={r["family_id"] for r in rows})
        .values("family_id", *family_fields)
    }
    person_ids = {r["person_id"] for r in rows if r["person_id"]}
    persons = {
        r["person_id"]: r for r in PersonRecord.objects.filter(
            snapshot_id=snapshot.pk, person_id__in=person_ids)
        .values("person_id", *person_fields)
    } if person_ids else {}
    verdict: dict[int, bool] = {}
    for r in rows:
        record = (families.get(r["family_id"]) if r["target"] == "family"
                  else persons.get(r["person_id"]))
        same = record is not None and _clean(record[r["field"]]) == _clean(r["new_value"])
        verdict[r["proposal_id"]] = verdict.get(r["proposal_id"], True) and same
    return [pk for pk, ok in verdict.items() if ok]


def _agreed_new(dataset, snapshot) -> dict[int, int]:
    """New-family proposals of the dataset's region that the snapshot now holds (by No KK or
    the head's NIK): proposal id -> register family id."""
    pending = list(Proposal.objects.filter(
        kind=Kind.NEW, state=State.RATIFIED, agreed_snapshot__isnull=True)
        .filter(within_q(dataset.region_id, "region_code")).values("pk", "data"))
    if not pending:
        return {}
    kks = {p["data"].get("kk_number") for p in pending} - {None, ""}
    niks = {p["data"].get("head_nik") for p in pending} - {None, ""}
    by_kk: dict[str | None, int] = {}
    by_nik: dict[str | None, int] = {}
    for rec in FamilyRecord.objects.filter(snapshot_id=snapshot.pk).filter(
            Q(kk_number__in=kks) | Q(head_nik__in=niks)).values(
            "family_id", "kk_number", "head_nik"):
        by_kk.setdefault(rec["kk_number"], rec["family_id"])
        by_nik.setdefault(rec["head_nik"], rec["family_id"])
    found = {}
    for p in pending:
        family_id = by_kk.get(p["data"].get("kk_number") or None) or by_nik.get(
            p["data"].get("head_nik") or None)
        if family_id:
            found[p["pk"]] = family_id
    return found


def local_decisions_apply(*, dataset: Dataset, snapshot=None, acting_user=None) -> dict:
    """Lay the dataset's ratified local decisions over its register, set-wise.

    With ``snapshot`` (a newly committed import) decisions the snapshot agrees with are
    first marked agreed and no longer applied; the others are applied again, since the
    import has refreshed the families' current values and ``is_current``: deactivated
    families and their members become not current, corrected current values are written
    back (the newest ratified correction of a field wins). Returns the counts.
    """
    now = timezone.now()
    ratified = Proposal.objects.filter(state=State.RATIFIED, agreed_snapshot__isnull=True)
    in_dataset = ratified.filter(family__dataset_id=dataset.pk)
    agreed: list[int] = []
    linked: dict[int, int] = {}
    with transaction.atomic():
        if snapshot is not None:
            agreed = _agreed_deactivations(in_dataset, snapshot) + _agreed_corrections(
                in_dataset, snapshot)
            linked = _agreed_new(dataset, snapshot)
            if agreed:
                Proposal.objects.filter(pk__in=agreed).update(agreed_snapshot=snapshot,
                                                              agreed_at=now)
            if linked:
                new = list(Proposal.objects.filter(pk__in=linked))
                for p in new:
                    p.family_id, p.agreed_snapshot, p.agreed_at = linked[p.pk], snapshot, now
                Proposal.objects.bulk_update(new, ["family", "agreed_snapshot", "agreed_at"])
            ProposalEvent.objects.bulk_create([
                ProposalEvent(proposal_id=pk, from_state=State.RATIFIED, to_state="agreed",
                              note=f"snapshot {snapshot.pk}", actor=None)
                for pk in [*agreed, *linked]])
        deactivated = in_dataset.filter(kind=Kind.DEACTIVATION).values("family_id")
        counts: dict[str, int | list[int]] = {
            "families_deactivated": Family.objects.filter(
                pk__in=Subquery(deactivated), is_current=True).update(is_current=False),
            "persons_deactivated": Person.objects.filter(
                family_id__in=Subquery(deactivated), is_current=True).update(is_current=False),
        }
        corrections = Correction.objects.filter(proposal__in=in_dataset.filter(
            kind=Kind.CORRECTION))
        newest = ("-proposal__ratified_at", "-proposal_id")
        for field in FAMILY_FIELDS:
            rows = corrections.filter(target=Correction.Target.FAMILY, field=field)
            value = rows.filter(family_id=OuterRef("pk")).order_by(*newest).values(
                "new_value")[:1]
            n = Family.objects.filter(pk__in=rows.values("family_id")).update(
                **{field: Subquery(value)})
            if n:
                counts[f"family.{field}"] = n
        for field in PERSON_FIELDS:
            rows = corrections.filter(target=Correction.Target.PERSON, field=field)
            person_value: Subquery | Cast = Subquery(
                rows.filter(person_id=OuterRef("pk")).order_by(*newest).values("new_value")[:1])
            if field == "birth_date":
                person_value = Cast(person_value, DateField())
            n = Person.objects.filter(pk__in=rows.values("person_id")).update(
                **{field: person_value})
            if n:
                counts[f"person.{field}"] = n
        if agreed or linked:
            counts["agreed"] = sorted([*agreed, *linked])
        if snapshot is not None or any(counts.values()):
            audit_record(actor=acting_user, action="verification.local_decisions_apply",
                         obj=snapshot or dataset, region_code=dataset.region_id,
                         changes=counts)
    return counts


def apply_local_decisions_after_import(*, snapshot, acting_user=None) -> None:
    """The registry's after-import hook (``hooks.SNAPSHOT_STORED``, before the welfare
    recompute)."""
    dataset = Dataset.objects.get(pk=snapshot.dataset_id)
    local_decisions_apply(dataset=dataset, snapshot=snapshot, acting_user=acting_user)
