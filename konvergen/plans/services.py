"""Writes of the plans app: plans, their items (one by one or from a spreadsheet), quarterly
realisation and evidence, the sign-off chain, and report deadlines.

Every function runs in one transaction with its audit row, and asks ``accounts.access``
who may do it, so a crafted request or a script cannot write another organisation's plan.

What is signed, and the locks:

* the **plan** (RAT: its items and targets) and each **quarter report** (its realisation,
  narrative and evidence) each move ``draft → submitted → verified → approved``;
  ``return`` (with a comment) sends a submitted or verified one back (``returned``),
  which the organisation may change and submit again;
* only ``draft`` and ``returned`` are editable: what is under review or approved is
  locked for everyone, administrators included;
* a report never gets ahead of its plan: submitting, verifying or approving a quarter
  does the same step to the plan when the plan is one step behind (submitting TW I while
  the RAT is a draft submits both), and is refused when the plan is further behind;
  returning the plan returns its reports under review with it.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.plans import items as item_rules
from konvergen.plans import selectors as plan_selectors
from konvergen.plans.models import (
    EDITABLE,
    ActionPlan,
    Deadline,
    Evidence,
    ItemUpload,
    PlanItem,
    QuarterReport,
    Realisation,
    SignoffEvent,
    State,
)
from konvergen.programs.models import Programme
from konvergen.regions.models import Level, Region

NOT_YOURS = _("You may not do this for this action plan.")
LOCKED_PLAN = _("The action plan is %(state)s: its items and targets cannot be changed.")
LOCKED_REPORT = _("The quarterly report is %(state)s: it cannot be changed.")
INVALID_STEP = _("A %(what)s that is %(state)s cannot be %(action)s.")
NOTE_REQUIRED = _("Write a comment saying what must be corrected.")
NO_ITEMS = _("The action plan has no items yet.")
PLAN_BEHIND = _("The action plan is %(state)s: it must be %(needed)s first.")
NOT_A_KABKOTA = _("An action plan belongs to a kabupaten/kota.")
ORG_OUTSIDE = _("The organisation is not based in this region.")
PLAN_EXISTS = _("This organisation already has an action plan for this year.")
BAD_QUARTER = _("Unknown quarter.")

#: Sign-off rank: a report may not be ahead of its plan.
RANK: dict[str, int] = {State.DRAFT: 0, State.RETURNED: 0, State.SUBMITTED: 1, State.VERIFIED: 2,
        State.APPROVED: 3}
#: The state a plan must have reached before a report may reach the key state.
PREVIOUS = {State.SUBMITTED: State.DRAFT, State.VERIFIED: State.SUBMITTED,
            State.APPROVED: State.VERIFIED}
#: action -> (states it may start from, state it leads to, features that may do it, label)
STEPS = {
    "submit": ({State.DRAFT, State.RETURNED}, State.SUBMITTED, ("plans_submit",),
               _("submitted")),
    "verify": ({State.SUBMITTED}, State.VERIFIED, ("plans_verify",), _("verified")),
    "return": ({State.SUBMITTED, State.VERIFIED}, State.RETURNED,
               ("plans_verify", "plans_approve"), _("returned")),
    "approve": ({State.VERIFIED}, State.APPROVED, ("plans_approve",), _("approved")),
}


class PlanError(ValidationError):
    """A refused write; its message is translated when shown."""


def _require(user, plan, *features: str) -> None:
    if not any(plan_selectors.may_on_plan(user, plan, f) for f in features):
        raise PlanError(NOT_YOURS, code="not_yours")


def _label(state: str) -> str:
    return str(State(state).label)


# --- Plans --------------------------------------------------------------------------------


def plan_create(*, organisation, region, year: int, period_start: int | None = None,
                period_end: int | None = None, acting_user) -> ActionPlan:
    """A draft plan of ``organisation`` for kab/kota ``region`` and ``year``."""
    if region.level != Level.KABKOTA:
        raise PlanError(NOT_A_KABKOTA, code="not_kabkota")
    if organisation.region_id != region.code:
        raise PlanError(ORG_OUTSIDE, code="org_outside")
    orgs = access.plan_organisations(acting_user, region.code)
    if not access.in_scope(acting_user, region.code, feature="plans_edit") or (
            orgs is not None and organisation.pk not in orgs):
        raise PlanError(NOT_YOURS, code="not_yours")
    with transaction.atomic():
        if ActionPlan.objects.filter(organisation=organisation, region=region,
                                     year=year).exists():
            raise PlanError(PLAN_EXISTS, code="plan_exists")
        plan = ActionPlan.objects.create(
            organisation=organisation, region=region, year=year, period_start=period_start,
            period_end=period_end, created_by=_user(acting_user))
        audit_record(actor=acting_user, action="plans.plan_create", obj=plan,
                     region_code=region.code,
                     changes={"organisation": organisation.pk, "year": year,
                              "period": [period_start, period_end]})
    return plan


def plan_update(*, plan: ActionPlan, period_start: int | None, period_end: int | None,
                acting_user) -> ActionPlan:
    _require(acting_user, plan, "plans_edit")
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        _editable_plan(plan)
        changes = {k: [getattr(plan, k), v] for k, v in (("period_start", period_start),
                                                         ("period_end", period_end))
                   if getattr(plan, k) != v}
        plan.period_start, plan.period_end = period_start, period_end
        plan.save(update_fields=["period_start", "period_end", "updated_at"])
        audit_record(actor=acting_user, action="plans.plan_update", obj=plan,
                     region_code=plan.region_id, changes=changes)
    return plan


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _editable_plan(plan: ActionPlan) -> None:
    if plan.state not in EDITABLE:
        raise PlanError(LOCKED_PLAN, code="locked", params={"state": _label(plan.state)})


# --- Items --------------------------------------------------------------------------------


def item_context(plan: ActionPlan) -> item_rules.Context:
    """The region's kecamatan and desa and the organisation's programmes, for checks."""
    region = plan.region
    locations = dict(Region.objects.filter(
        code__startswith=region.code + ".", level__in=[Level.KECAMATAN, Level.DESA]
    ).values_list("code", "name"))
    programmes = dict(Programme.objects.filter(
        organisation_id=plan.organisation_id, region_id=region.code
    ).values_list("code", "pk"))
    return item_rules.Context(region_code=region.code, region_name=region.name,
                              locations=locations, programmes=programmes)


ITEM_FIELDS = [f for f in item_rules.FIELDS] + ["indicator_key"]


def _as_item_fields(values: dict) -> dict:
    out = {f: values.get(f) for f in ITEM_FIELDS if f != "programme"}
    out["programme_id"] = values.get("programme")
    for f in ("goal", "responsible_unit", "note"):
        out[f] = out[f] or ""
    out["locations"] = list(values.get("locations") or [])
    out["beneficiary_unit"] = out["beneficiary_unit"] or "family"
    return out


def _problems_error(problems: list[item_rules.Problem]) -> PlanError:
    errors: dict[str, list[str]] = {}
    for p in problems:
        id_text, en_text = p.message()
        errors.setdefault(p.field, []).append(f"{id_text} / {en_text}")
    return PlanError(errors)


def item_save(*, plan: ActionPlan, values: dict, item: PlanItem | None = None,
              acting_user) -> PlanItem:
    """Add an item (or change ``item``) after :func:`items.check_item`; refuses a locked
    plan and a second item with the same sub-kegiatan code and indicator."""
    _require(acting_user, plan, "plans_edit")
    values = dict(values)
    problems = item_rules.check_item(values, item_context(plan))
    if problems:
        raise _problems_error(problems)
    fields = _as_item_fields(values)
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        _editable_plan(plan)
        clash = PlanItem.objects.filter(plan=plan, sub_activity_code=fields[
            "sub_activity_code"], indicator_key=fields["indicator_key"])
        if item is not None:
            clash = clash.exclude(pk=item.pk)
        if clash.exists():
            raise _problems_error([item_rules.Problem("indicator", "duplicate_key", {
                "value": fields["sub_activity_code"], "first": "-"})])
        if item is None:
            fields["position"] = (PlanItem.objects.filter(plan=plan).count() + 1)
            item = PlanItem.objects.create(plan=plan, **fields)
            changes = {k: v for k, v in fields.items() if v not in (None, "", [])}
            action = "plans.item_create"
        else:
            item = PlanItem.objects.select_for_update().get(pk=item.pk, plan=plan)
            changes = {k: [getattr(item, k), v] for k, v in fields.items()
                       if getattr(item, k) != v}
            for k, v in fields.items():
                setattr(item, k, v)
            item.save()
            action = "plans.item_update"
        audit_record(actor=acting_user, action=action, obj=item, region_code=plan.region_id,
                     changes={"plan": plan.pk, **changes})
    return item


def item_delete(*, item: PlanItem, acting_user) -> None:
    plan = item.plan
    _require(acting_user, plan, "plans_edit")
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        _editable_plan(plan)
        audit_record(actor=acting_user, action="plans.item_delete", obj=item,
                     region_code=plan.region_id,
                     changes={"plan": plan.pk, "sub_activity_code": item.sub_activity_code,
                              "indicator": item.indicator, "target_k": item.target_k,
                              "target_rp": item.target_rp})
        item.delete()


def items_upload(*, plan: ActionPlan, path: Path, file_name: str, acting_user) -> ItemUpload:
    """Add or update a plan's items from a CSV/XLSX file.

    Headers are matched with synonyms (``items.SYNONYMS``); every row is checked like the
    form; rows with a problem are rejected and kept (row, field, reason in Indonesian and
    English, the row's values), the others are written together or not at all. An item is
    keyed by its sub-kegiatan code and indicator: a row for a key the plan holds updates
    that item, so uploading the same file twice changes nothing the second time."""
    from konvergen.registry.ingest.readers import IngestFileError, read_table

    _require(acting_user, plan, "plans_edit")
    _editable_plan(plan)
    upload = ItemUpload(plan=plan, file_name=file_name, file_path=str(path),
                        created_by=_user(acting_user))
    try:
        table = read_table(path)
    except IngestFileError as exc:
        text = str(exc)
        upload.error_id, _sep, upload.error_en = text.partition(" / ")
        return _save_upload(upload, acting_user)
    headers = [c for c in table.column_names if c != "row_number"]
    mapping = item_rules.map_columns(headers)
    upload.headers, upload.mapping = headers, mapping.mapped
    if mapping.missing_required:
        labels = [item_rules.FIELD_LABELS[f] for f in mapping.missing_required]
        upload.error_id = "Kolom wajib tidak ada: " + ", ".join(i for i, _e in labels)
        upload.error_en = "Required columns missing: " + ", ".join(e for _i, e in labels)
        return _save_upload(upload, acting_user)
    ctx = item_context(plan)
    rows = table.to_pylist()
    accepted: dict[tuple[str, str], tuple[int, dict]] = {}
    rejected: list[dict] = []
    for row in rows:
        raw = {f: row.get(h) for f, h in mapping.mapped.items()}
        number = row["row_number"]
        values, problems = item_rules.parse_row(raw, ctx)
        key = (values["sub_activity_code"], values["indicator_key"])
        if not problems and key in accepted:
            problems = [item_rules.Problem("indicator", "duplicate_key", {
                "value": key[0], "first": accepted[key][0]})]
        if problems:
            data = {h: row.get(h) for h in headers}
            for p in problems:
                id_text, en_text = p.message()
                rejected.append({"row": number, "field": p.field, "code": p.code,
                                 "message_id": id_text, "message_en": en_text, "data": data})
        else:
            accepted[key] = (number, values)
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        _editable_plan(plan)
        existing = {(i.sub_activity_code, i.indicator_key): i
                    for i in PlanItem.objects.filter(plan=plan)}
        new, changed, unchanged = [], [], 0
        position = len(existing)
        for key, (_number, values) in accepted.items():
            fields = _as_item_fields(values)
            item = existing.get(key)
            if item is None:
                position += 1
                new.append(PlanItem(plan=plan, position=position, **fields))
            elif any(getattr(item, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(item, k, v)
                changed.append(item)
            else:
                unchanged += 1
        PlanItem.objects.bulk_create(new)
        if changed:
            PlanItem.objects.bulk_update(changed, [f for f in _as_item_fields({})])
        upload.counts = {"rows": len(rows), "accepted": len(accepted), "created": len(new),
                         "updated": len(changed), "unchanged": unchanged,
                         "rejected_rows": len({r["row"] for r in rejected})}
        upload.rejected = rejected
        _save_upload(upload, acting_user, keys=[list(k) for k in accepted][:20])
    return upload


def _save_upload(upload: ItemUpload, acting_user, keys=None) -> ItemUpload:
    with transaction.atomic():
        upload.save()
        audit_record(actor=acting_user, action="plans.items_upload", obj=upload,
                     region_code=upload.plan.region_id,
                     changes={"plan": upload.plan_id, "file": upload.file_name,
                              "counts": upload.counts, "error": upload.error_en,
                              "sample_keys": keys or [],
                              "rejected_sample": [(r["row"], r["field"], r["code"])
                                                  for r in upload.rejected[:20]]})
    return upload


def rejected_rows_csv(upload: ItemUpload) -> str:
    """The rejected rows as CSV: the row number, the problems in both languages and the
    row's own columns, to correct and upload again."""
    import csv
    import io

    by_row: dict[int, dict] = {}
    for r in upload.rejected:
        entry = by_row.setdefault(r["row"], {"data": r["data"], "id": [], "en": []})
        entry["id"].append(r["message_id"])
        entry["en"].append(r["message_en"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Baris / Row", "Kesalahan", "Errors", *upload.headers])
    for number in sorted(by_row):
        entry = by_row[number]
        writer.writerow([number, "; ".join(entry["id"]), "; ".join(entry["en"]),
                         *[entry["data"].get(h) or "" for h in upload.headers]])
    return out.getvalue()


# --- Quarterly realisation ----------------------------------------------------------------


def _quarter(quarter) -> int:
    try:
        quarter = int(quarter)
    except (TypeError, ValueError):
        raise PlanError(BAD_QUARTER, code="quarter") from None
    if quarter not in (1, 2, 3, 4):
        raise PlanError(BAD_QUARTER, code="quarter")
    return quarter


def _report_for_update(plan: ActionPlan, quarter: int) -> QuarterReport:
    report, _created = QuarterReport.objects.get_or_create(plan=plan, quarter=quarter)
    return QuarterReport.objects.select_for_update().get(pk=report.pk)


def report_save(*, plan: ActionPlan, quarter: int,
                values: dict[int, tuple[Decimal | None, Decimal | None]], drivers: str = "",
                obstacles: str = "", follow_up: str = "", acting_user) -> QuarterReport:
    """Record a quarter's realisation (``{item id: (K, Rp)}``, what was achieved *in* the
    quarter) and its narrative. Items not of this plan are ignored; refused when the
    report is under review or approved."""
    quarter = _quarter(quarter)
    _require(acting_user, plan, "plans_edit")
    for k, rp in values.values():
        if (k is not None and k < 0) or (rp is not None and rp < 0):
            raise PlanError(_("A realisation must not be negative."), code="negative")
    with transaction.atomic():
        report = _report_for_update(plan, quarter)
        if report.state not in EDITABLE:
            raise PlanError(LOCKED_REPORT, code="locked",
                            params={"state": _label(report.state)})
        item_ids = set(PlanItem.objects.filter(plan=plan, pk__in=list(values)).values_list(
            "pk", flat=True))
        before = {r.item_id: (r.k, r.rp) for r in Realisation.objects.filter(report=report)}
        rows = [Realisation(report=report, item_id=i, k=k, rp=rp)
                for i, (k, rp) in values.items() if i in item_ids]
        Realisation.objects.bulk_create(rows, update_conflicts=True,
                                        unique_fields=["report", "item"],
                                        update_fields=["k", "rp"])
        changes: dict = {"quarter": quarter, "realisation": {
            str(r.item_id): [list(before.get(r.item_id, (None, None))), [r.k, r.rp]]
            for r in rows if before.get(r.item_id, (None, None)) != (r.k, r.rp)}}
        for name, value in (("drivers", drivers), ("obstacles", obstacles),
                            ("follow_up", follow_up)):
            if getattr(report, name) != value:
                changes[name] = [getattr(report, name), value]
                setattr(report, name, value)
        report.save()
        audit_record(actor=acting_user, action="plans.report_save", obj=report,
                     region_code=plan.region_id, changes=changes)
    return report


def evidence_add(*, plan: ActionPlan, quarter: int, path: Path, description: str = "",
                 acting_user) -> Evidence:
    quarter = _quarter(quarter)
    _require(acting_user, plan, "plans_edit")
    with transaction.atomic():
        report = _report_for_update(plan, quarter)
        if report.state not in EDITABLE:
            raise PlanError(LOCKED_REPORT, code="locked",
                            params={"state": _label(report.state)})
        evidence = Evidence.objects.create(report=report, file_path=str(path),
                                           file_name=Path(path).name,
                                           description=description,
                                           uploaded_by=_user(acting_user))
        audit_record(actor=acting_user, action="plans.evidence_add", obj=evidence,
                     region_code=plan.region_id,
                     changes={"report": report.pk, "file": evidence.file_name})
    return evidence


# --- Sign-off -----------------------------------------------------------------------------


def allowed_steps(user, plan: ActionPlan, report: QuarterReport | None = None) -> list[str]:
    """The sign-off steps ``user`` may take now on the plan (or on ``report``)."""
    obj_state = report.state if report is not None else plan.state
    out = []
    for action, (sources, target, features, _lbl) in STEPS.items():
        if obj_state not in sources:
            continue
        if not any(plan_selectors.may_on_plan(user, plan, f) for f in features):
            continue
        if report is not None and action != "return" and RANK[plan.state] < RANK[target] - 1:
            continue
        out.append(action)
    return out


def _step(obj, plan: ActionPlan, report, action: str, note: str, acting_user) -> None:
    sources, target, _features, label = STEPS[action]
    what = _("quarterly report") if report is not None else _("action plan")
    if obj.state not in sources:
        raise PlanError(INVALID_STEP, code="invalid_step",
                        params={"what": what, "state": _label(obj.state), "action": label})
    now = timezone.now()
    before = obj.state
    if action == "submit":
        obj.submitted_at, obj.submitted_by = now, _user(acting_user)
        obj.first_submitted_at = obj.first_submitted_at or now
        obj.return_note = ""
    elif action == "verify":
        obj.verified_at, obj.verified_by = now, _user(acting_user)
    elif action == "approve":
        obj.approved_at, obj.approved_by = now, _user(acting_user)
    else:
        obj.returned_at, obj.return_note = now, note
        obj.verified_at = obj.verified_by = None
    obj.state = target
    obj.save()
    SignoffEvent.objects.create(plan=plan, report=report, action=action, from_state=before,
                                to_state=target, note=note, actor=_user(acting_user))
    audit_record(actor=acting_user,
                 action=f"plans.{'report' if report is not None else 'plan'}_{action}",
                 obj=obj, region_code=plan.region_id,
                 changes={"state": [before, str(target)], "note": note,
                          **({"quarter": report.quarter} if report is not None else {})})


def signoff(*, plan: ActionPlan, action: str, quarter: int | None = None, note: str = "",
            acting_user) -> ActionPlan | QuarterReport:
    """One sign-off step on the plan (``quarter`` None) or on a quarter report, or a
    :class:`PlanError` saying why not. See the module docstring for the rules."""
    if action not in STEPS:
        raise PlanError(_("Unknown step."), code="action")
    _sources, target, features, _lbl = STEPS[action]
    note = (note or "").strip()
    if action == "return" and not note:
        raise PlanError(NOTE_REQUIRED, code="note_required")
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)
        _require(acting_user, plan, *features)
        if action == "submit" and not PlanItem.objects.filter(plan=plan).exists():
            raise PlanError(NO_ITEMS, code="no_items")
        if quarter is None:
            _step(plan, plan, None, action, note, acting_user)
            if action == "return":
                for report in QuarterReport.objects.select_for_update().filter(
                        plan=plan, state__in=[State.SUBMITTED, State.VERIFIED]):
                    _step(report, plan, report, "return", note, acting_user)
            return plan
        report = _report_for_update(plan, _quarter(quarter))
        if action != "return" and RANK[plan.state] < RANK[target]:
            if RANK[plan.state] != RANK[target] - 1 or plan.state not in STEPS[action][0]:
                raise PlanError(PLAN_BEHIND, code="plan_behind", params={
                    "state": _label(plan.state), "needed": _label(PREVIOUS[target])})
            # The plan takes the same step; a refused report step below rolls it back.
            _step(plan, plan, None, action, note, acting_user)
        _step(report, plan, report, action, note, acting_user)
        return report


# --- Deadlines ----------------------------------------------------------------------------


def deadline_set(*, region, year: int, quarter: int, due_on: dt.date, acting_user) -> Deadline:
    """The secretariat sets the due date of a quarter's reports in its region."""
    quarter = _quarter(quarter)
    if not access.in_scope(acting_user, region.code, feature="plans_verify"):
        raise PlanError(NOT_YOURS, code="not_yours")
    with transaction.atomic():
        deadline = Deadline.objects.filter(region=region, year=year, quarter=quarter).first()
        before = deadline.due_on if deadline else None
        if deadline is None:
            deadline = Deadline(region=region, year=year, quarter=quarter)
        deadline.due_on, deadline.updated_by = due_on, _user(acting_user)
        deadline.save()
        if before != due_on:
            audit_record(actor=acting_user, action="plans.deadline_set", obj=deadline,
                         region_code=region.code,
                         changes={"year": year, "quarter": quarter, "due_on": [before, due_on]})
    return deadline


def deadlines_set(*, region, year: int, due: dict[int, dt.date], acting_user) -> None:
    """Several quarters' due dates at once (all or none)."""
    with transaction.atomic():
        for quarter, due_on in due.items():
            deadline_set(region=region, year=year, quarter=quarter, due_on=due_on,
                         acting_user=acting_user)
