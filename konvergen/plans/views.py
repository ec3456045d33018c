"""Action plan pages: thin views (access check, selector or service, template)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.audit.selectors import change_stamp
from konvergen.audit.services import audit_record
from konvergen.core.uploads import save_upload
from konvergen.core.xlsx import XLSX_TYPE
from konvergen.plans import e81, exports, items, meeting, selectors, services
from konvergen.plans.forms import (
    DeadlineForm,
    EvidenceForm,
    ItemForm,
    PeriodForm,
    PlanForm,
    ReportForm,
    StepForm,
    UploadForm,
)
from konvergen.plans.models import ItemUpload, PlanItem, State
from konvergen.regions import selectors as region_selectors
from konvergen.regions.models import Level, Region


def _folder(kind: str) -> Path:
    return Path(settings.UPLOAD_DIR) / "plans" / kind / uuid.uuid4().hex


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _quarter(quarter: int) -> int:
    if quarter not in e81.QUARTERS:
        raise Http404(access.NOT_FOUND)
    return quarter


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _may_step(user, plan) -> bool:
    return any(selectors.may_on_plan(user, plan, f)
               for f in ("plans_submit", "plans_verify", "plans_approve"))


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _editable_organisations(user):
    """Organisations the user may make plans for (their own; any for administrators)."""
    return selectors.editable_organisations(user)


def _overview_regions(user, year: int) -> list[Region]:
    return selectors.overview_regions(user, year)


@login_required
@require_GET
def index(request):
    access.require_feature(request.user, "plans")
    year = _year(request)
    user = request.user
    plans = list(selectors.plans_for(user, year=year))
    return render(request, "plans/index.html", {
        "plans": plans, "year": year, "years": [year - 1, year, year + 1],
        "can_create": access.has_feature(user, "plans_edit")
        and selectors.has_editable_organisations(user),
        "regions": _overview_regions(user, year),
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    access.require_feature(request.user, "plans_edit")
    orgs = _editable_organisations(request.user)
    form = PlanForm(request.POST or None, organisations=orgs,
                    initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = services.plan_create(
                organisation=d["organisation"], region=d["organisation"].region,
                year=d["year"], period_start=d["period_start"], period_end=d["period_end"],
                acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action plan created."))
            return redirect("plans:plan", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
@require_GET
def plan_detail(request, plan_id: int):
    user = request.user
    plan = selectors.plan_for(user, plan_id)
    table = selectors.e81_table(plan, 4)
    reach = selectors.programme_reach([i.programme_id for i, _r in table.lines], plan.year)
    due = selectors.due_dates(plan.region_id, plan.year)
    quarters = []
    for q in e81.QUARTERS:
        report = table.reports.get(q)
        quarters.append({
            "quarter": q, "report": report, "due": due[q],
            "timeliness": selectors.timeliness(report.first_submitted_at if report else None,
                                               due[q])})
    return render(request, "plans/plan.html", {
        "plan": plan, "table": table, "reach": reach, "quarters": quarters,
        "can_edit": plan.is_editable and selectors.may_on_plan(user, plan, "plans_edit"),
        "steps": services.allowed_steps(user, plan),
        "history": selectors.history(plan, plan_only=True),
        "region_wide": access.plans_region_wide(user, plan.region_id),
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id, edit=True)
    form = PeriodForm(request.POST or None, initial={"period_start": plan.period_start,
                                                     "period_end": plan.period_end})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action plan updated."))
            return redirect("plans:plan", plan_id=plan.pk)
    return render(request, "plans/period_form.html", {"plan": plan, "form": form})


def _step(request, plan, quarter: int | None):
    if not _may_step(request.user, plan):
        raise Http404(access.NOT_FOUND)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown step."))
        return
    try:
        services.signoff(plan=plan, quarter=quarter, action=form.cleaned_data["action"],
                         note=form.cleaned_data["note"], acting_user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Sign-off recorded."))


@login_required
@require_POST
def plan_step(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id)
    _step(request, plan, None)
    return redirect("plans:plan", plan_id=plan.pk)


def _programmes(plan):
    return selectors.plan_programmes(plan)


def _item_form(request, plan, item=None):
    form = ItemForm(request.POST or None, programmes=_programmes(plan), instance=item)
    if request.method == "POST" and form.is_valid():
        ctx = services.item_context(plan)
        try:
            services.item_save(plan=plan, item=item, values=form.values(ctx.location_code),
                               acting_user=request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Item saved."))
            return redirect("plans:plan", plan_id=plan.pk)
    return render(request, "plans/item_form.html", {"plan": plan, "form": form,
                                                    "item": item,
                                                    "locked": not plan.is_editable})


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id, edit=True)
    return _item_form(request, plan)


def _item(plan, item_id: int) -> PlanItem:
    item = selectors.plan_item(plan, item_id)
    if item is None:
        raise Http404(access.NOT_FOUND)
    return item


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, plan_id: int, item_id: int):
    plan = selectors.plan_for(request.user, plan_id, edit=True)
    return _item_form(request, plan, _item(plan, item_id))


@login_required
@require_POST
def item_delete(request, plan_id: int, item_id: int):
    plan = selectors.plan_for(request.user, plan_id, edit=True)
    item = _item(plan, item_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm the deletion."))
    else:
        try:
            services.item_delete(item=item, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Item deleted."))
    return redirect("plans:plan", plan_id=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id, edit=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        path = save_upload(file, _folder("items"))
        try:
            result = services.items_upload(plan=plan, path=path, file_name=file.name,
                                           acting_user=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("plans:upload-result", plan_id=plan.pk, upload_id=result.pk)
    return render(request, "plans/upload.html", {
        "plan": plan, "form": form, "locked": not plan.is_editable,
        "fields": [(f, *items.FIELD_LABELS[f], items.SYNONYMS.get(f, [])[:4],
                    f in items.REQUIRED) for f in items.FIELDS],
        "uploads": selectors.recent_item_uploads(plan),
    })


def _upload(plan, upload_id: int) -> ItemUpload:
    result = selectors.item_upload(plan, upload_id)
    if result is None:
        raise Http404(access.NOT_FOUND)
    return result


@login_required
@require_GET
def upload_result(request, plan_id: int, upload_id: int):
    plan = selectors.plan_for(request.user, plan_id, edit=True)
    result = _upload(plan, upload_id)
    return render(request, "plans/upload_result.html", {
        "plan": plan, "upload": result, "rejected": result.rejected[:500]})


@login_required
@require_GET
def upload_rejected(request, plan_id: int, upload_id: int):
    plan = selectors.plan_for(request.user, plan_id, edit=True)
    result = _upload(plan, upload_id)
    response = HttpResponse(services.rejected_rows_csv(result),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rat-ditolak-{result.pk}.csv"'
    return response


@login_required
@require_GET
def upload_template(request, plan_id: int):
    selectors.plan_for(request.user, plan_id, edit=True)
    header = ",".join(f'"{items.FIELD_LABELS[f][0]}"' for f in items.FIELDS)
    response = HttpResponse(header + "\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rat-template.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def report(request, plan_id: int, quarter: int):
    user = request.user
    quarter = _quarter(quarter)
    plan = selectors.plan_for(user, plan_id, edit=request.method == "POST")
    report_ = selectors.report_of(plan, quarter)
    plan_items = selectors.items_of(plan)
    editable = (report_ is None or report_.is_editable) and selectors.may_on_plan(
        user, plan, "plans_edit")
    initial = {"drivers": getattr(report_, "drivers", ""),
               "obstacles": getattr(report_, "obstacles", ""),
               "follow_up": getattr(report_, "follow_up", "")}
    for pk, (k, rp) in selectors.realisation_of(report_).items():
        initial[f"k_{pk}"], initial[f"rp_{pk}"] = k, rp
    form = ReportForm(request.POST or None, items=plan_items, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save(plan=plan, quarter=quarter, values=form.values(),
                                 drivers=form.cleaned_data["drivers"],
                                 obstacles=form.cleaned_data["obstacles"],
                                 follow_up=form.cleaned_data["follow_up"], acting_user=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Realisation saved."))
            return redirect("plans:report", plan_id=plan.pk, quarter=quarter)
    table = selectors.e81_table(plan, quarter)
    due = selectors.due_dates(plan.region_id, plan.year)[quarter]
    lines = [{"item": item, "row": row, "k": form[f"k_{item.pk}"],
              "rp": form[f"rp_{item.pk}"]} for item, row in table.lines]
    return render(request, "plans/report.html", {
        "plan": plan, "quarter": quarter, "roman": exports.ROMAN[quarter],
        "report": report_, "form": form, "lines": lines, "totals": table.totals,
        "editable": editable,
        "steps": services.allowed_steps(user, plan, report_ or _draft(plan, quarter)),
        "history": selectors.history(plan, report_) if report_ else selectors.history(
            plan, plan_only=True),
        "due": due, "timeliness": selectors.timeliness(
            report_.first_submitted_at if report_ else None, due),
        "evidence_form": EvidenceForm() if editable else None,
        "state": report_.state if report_ else State.DRAFT,
        "state_label": report_.get_state_display() if report_ else State.DRAFT.label,
    })


def _draft(plan, quarter):
    from konvergen.plans.models import QuarterReport

    return QuarterReport(plan=plan, quarter=quarter, state=State.DRAFT)


@login_required
@require_POST
def report_step(request, plan_id: int, quarter: int):
    quarter = _quarter(quarter)
    plan = selectors.plan_for(request.user, plan_id)
    _step(request, plan, quarter)
    return redirect("plans:report", plan_id=plan.pk, quarter=quarter)


@login_required
@require_POST
def evidence_upload(request, plan_id: int, quarter: int):
    quarter = _quarter(quarter)
    plan = selectors.plan_for(request.user, plan_id, edit=True)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        path = save_upload(form.cleaned_data["file"], _folder("evidence"))
        try:
            services.evidence_add(plan=plan, quarter=quarter, path=path,
                                  description=form.cleaned_data["description"],
                                  acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Evidence uploaded."))
    return redirect("plans:report", plan_id=plan.pk, quarter=quarter)


@login_required
@require_GET
def evidence_download(request, plan_id: int, evidence_id: int):
    plan = selectors.plan_for(request.user, plan_id)
    evidence = selectors.plan_evidence(plan, evidence_id)
    if evidence is None or not Path(evidence.file_path).is_file():
        raise Http404(access.NOT_FOUND)
    audit_record(actor=request.user, action="plans.evidence_download", obj=evidence,
                 region_code=plan.region_id, changes={"file": evidence.file_name})
    return FileResponse(open(evidence.file_path, "rb"), as_attachment=True,
                        filename=evidence.file_name)


def _export_quarter(request) -> int:
    try:
        quarter = int(request.GET.get("quarter") or 4)
    except ValueError:
        quarter = 4
    return quarter if quarter in e81.QUARTERS else 4


def _location_names(tables) -> dict[str, str]:
    codes = {c for t in tables for i, _r in t.lines for c in i.locations}
    return {code: f"{name} ({code})"
            for code, name in region_selectors.region_names(codes).items()}


@login_required
@require_GET
def plan_e81(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id)
    quarter = _export_quarter(request)
    table = selectors.e81_table(plan, quarter)
    audit_record(actor=request.user, action="plans.export_e81", obj=plan,
                 region_code=plan.region_id, changes={"quarter": quarter})
    return _xlsx(exports.e81_plan(table),
                 f"E81-{plan.organisation.short_name or plan.pk}-{plan.year}-TW{quarter}.xlsx")


@login_required
@require_GET
def plan_matriks2(request, plan_id: int):
    plan = selectors.plan_for(request.user, plan_id)
    quarter = _export_quarter(request)
    tables = [selectors.e81_table(plan, quarter)]
    audit_record(actor=request.user, action="plans.export_matriks2", obj=plan,
                 region_code=plan.region_id, changes={"quarter": quarter})
    return _xlsx(exports.matriks2(tables, plan.region.name, _location_names(tables)),
                 f"Matriks2-{plan.organisation.short_name or plan.pk}-{plan.year}.xlsx")


def _region(request, code: str) -> Region:
    region = access.access_region(request.user, code, feature="plans")
    if region.level != Level.KABKOTA or not access.plans_region_wide(request.user, code):
        raise Http404(access.NOT_FOUND)
    return region


@login_required
@require_GET
def overview(request, code: str):
    region = _region(request, code)
    year = _year(request)
    rows, due, counts = selectors.region_overview(region.code, year)
    return render(request, "plans/overview.html", {
        "region": region, "year": year, "rows": rows, "due": due,
        "counts": [counts[q] | {"quarter": q, "due": due[q]} for q in e81.QUARTERS],
        "years": [year - 1, year, year + 1],
        "can_set_deadlines": access.in_scope(request.user, region.code, feature="plans_verify"),
        "can_meeting_pack": access.in_scope(request.user, region.code, feature="meeting_pack"),
    })


def _region_tables(region, year, quarter):
    plans = selectors.region_plans(region, year)
    return selectors.e81_tables(plans, quarter)


@login_required
@require_GET
def region_e81(request, code: str):
    region = _region(request, code)
    year, quarter = _year(request), _export_quarter(request)
    tables = _region_tables(region, year, quarter)
    audit_record(actor=request.user, action="plans.export_e81_region", obj=region,
                 region_code=region.code, changes={"year": year, "quarter": quarter})
    return _xlsx(exports.e81_region(tables, region.name),
                 f"E81-{region.code}-{year}-TW{quarter}.xlsx")


@login_required
@require_GET
def region_matriks2(request, code: str):
    region = _region(request, code)
    year, quarter = _year(request), _export_quarter(request)
    tables = _region_tables(region, year, quarter)
    audit_record(actor=request.user, action="plans.export_matriks2_region", obj=region,
                 region_code=region.code, changes={"year": year, "quarter": quarter})
    return _xlsx(exports.matriks2(tables, region.name, _location_names(tables)),
                 f"Matriks2-{region.code}-{year}-TW{quarter}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def deadlines(request, code: str):
    region = access.access_region(request.user, code, feature="plans_verify")
    if region.level != Level.KABKOTA:
        raise Http404(access.NOT_FOUND)
    year = _year(request)
    due = selectors.due_dates(region.code, year)
    form = DeadlineForm(request.POST or None, due=due)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadlines_set(region=region, year=year, acting_user=request.user,
                                   due={q: form.cleaned_data[f"due_{q}"] for q in e81.QUARTERS})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Deadlines saved."))
            return redirect(f"{request.path}?year={year}")
    return render(request, "plans/deadlines.html", {
        "region": region, "year": year, "form": form,
        "years": [year - 1, year, year + 1]})


def _meeting_region(request, code: str, quarter: int) -> Region:
    region = access.access_region(request.user, code, feature="meeting_pack")
    if region.level != Level.KABKOTA or quarter not in e81.QUARTERS:
        raise Http404(access.NOT_FOUND)
    return region


@login_required
@require_GET
def meeting_pack(request, code: str, year: int, quarter: int):
    """The coordination-meeting pack of a kab/kota for one quarter (no personal data).

    Its body is the same for everyone who may open it, so it is cached under the region's
    change stamp (any audited change of the kab/kota, its province or the national
    catalogue recomputes it), the day (lateness) and the language."""
    region = _meeting_region(request, code, quarter)
    key = "plans:meeting:{}:{}:{}:{}:{}:{}".format(
        region.code, year, quarter, timezone.localdate().isoformat(), get_language(),
        change_stamp(region.code, region.parent_id or "", ""))
    body = cache.get(key)
    if body is None:
        body = render_to_string("plans/_meeting_pack_body.html", {
            "pack": meeting.meeting_pack(region, year, quarter),
            "indicators": meeting.headline_indicators(region, year),
            "convergence": meeting.convergence_figures(region, year),
        })
        cache.set(key, body, settings.KONVERGEN_PAGE_CACHE_SECONDS)
    return render(request, "plans/meeting_pack.html", {
        "region": region, "year": year, "quarter": quarter, "body": mark_safe(body),
        "quarters": list(e81.QUARTERS), "years": [year - 1, year, year + 1],
    })


@login_required
@require_GET
def meeting_pack_xlsx(request, code: str, year: int, quarter: int):
    region = _meeting_region(request, code, quarter)
    pack = meeting.meeting_pack(region, year, quarter)
    data = exports.meeting_pack(pack, meeting.headline_indicators(region, year),
                                meeting.convergence_figures(region, year))
    audit_record(actor=request.user, action="plans.export_meeting_pack", obj=region,
                 region_code=region.code, changes={"year": year, "quarter": quarter})
    return _xlsx(data, f"Rakor-{region.code}-{year}-TW{quarter}.xlsx")
