"""Indicator and target pages: thin views (access check, selector or service, template)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.core.uploads import save_upload
from konvergen.core.xlsx import xlsx_response
from konvergen.targets import official, selectors, services
from konvergen.targets.forms import BandsForm, ImportForm, PlanDocumentForm, TargetForm
from konvergen.targets.models import Period, PlanDocument

STATUS_LABELS = {
    "on_track": gettext_lazy("On track"),
    "attention": gettext_lazy("Needs attention"),
    "off_track": gettext_lazy("Off track"),
}


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _year_param(request) -> int | None:
    try:
        return int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError:
        return None


def _can_manage(user, code: str) -> bool:
    return access.in_scope(user, code, feature="targets_manage")


def _indicator(code: str):
    indicator = selectors.indicator_by_code(code)
    if indicator is None:
        raise Http404(access.NOT_FOUND)
    return indicator


@login_required
@require_GET
def index(request):
    access.require_feature(request.user, "targets")
    regions = selectors.index_regions(request.user)
    overview = selectors.index_overview(regions)
    return render(request, "targets/index.html", {
        "rows": [(r, overview.get(r.code)) for r in regions],
        "p0": selectors.indicator_by_code("p0"),
        "can_import": access.has_feature(request.user, "targets_manage"),
        "imports": selectors.imports_for(request.user)
        if access.has_feature(request.user, "targets_manage") else [],
        "status_labels": STATUS_LABELS,
    })


@login_required
@require_GET
def region(request, code: str):
    region = access.access_region(request.user, code, feature="targets")
    year = _year_param(request)
    bands, owner = selectors.bands_for(code)
    return render(request, "targets/region.html", {
        "region": region, "year": year, "rows": selectors.indicator_table(region, year),
        "bands": bands, "bands_owner": owner, "status_labels": STATUS_LABELS,
        "can_manage": _can_manage(request.user, code),
        "documents": selectors.region_documents(region), "periods": dict(Period.choices),
    })


@login_required
@require_GET
def region_xlsx(request, code: str):
    region = access.access_region(request.user, code, feature="targets")
    year = _year_param(request)
    periods = dict(Period.choices)
    out = []
    for r in selectors.indicator_table(region, year):
        y = r.row
        out.append([
            r.indicator.code, r.name, r.indicator.unit, y.year if y else "",
            str(periods.get(y.period, "")) if y else "",
            y.realised if y else None, y.target if y else None, y.trajectory if y else None,
            round(y.achievement, 2) if y and y.achievement is not None else None,
            str(STATUS_LABELS.get(y.status, "")) if y and y.status else "",
            y.source if y else "", y.as_of.isoformat() if y and y.as_of else "",
            y.province if y else None, y.national if y else None,
        ])
    headers = [_("Code"), _("Indicator"), _("Unit"), _("Year"), _("Period"), _("Value"),
               _("Target"), _("Trajectory"), _("Achievement (%)"), _("Status"), _("Source"),
               _("As of"), _("Province"), _("National")]
    return xlsx_response(f"indikator-{code}.xlsx", headers, out, sheet=_("Indicators"))


@login_required
@require_GET
def indicator(request, code: str, indicator: str):
    region = access.access_region(request.user, code, feature="targets")
    ind = _indicator(indicator)
    series = selectors.series_for(region, [ind])[ind.pk]
    chart = {
        "years": [r.year for r in series.rows],
        "realised": [r.realised for r in series.rows],
        "target": [r.target for r in series.rows],
        "trajectory": [r.trajectory for r in series.rows],
        "province": [r.province for r in series.rows],
        "national": [r.national for r in series.rows],
        "labels": {"realised": _("Realised"), "target": _("Target"),
                   "trajectory": _("Trajectory"), "province": _("Province"),
                   "national": _("National")},
    }
    return render(request, "targets/indicator.html", {
        "region": region, "indicator": ind, "name": ind.name(get_language() or "id"),
        "series": series, "chart": chart, "status_labels": STATUS_LABELS,
        "periods": dict(Period.choices),
        "history": selectors.target_history(ind, region),
        "can_manage": _can_manage(request.user, code) and not ind.informational,
    })


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, code: str, indicator: str):
    region = access.access_region(request.user, code, feature="targets_manage")
    ind = _indicator(indicator)
    if ind.informational:
        raise Http404(access.NOT_FOUND)
    documents = selectors.documents_for(region)
    document = None
    wanted = request.POST.get("document") or request.GET.get("document")
    if wanted:
        document = next((d for d in documents if str(d.pk) == wanted), None)
        if document is None:
            raise Http404(access.NOT_FOUND)
    elif documents:
        document = documents[0]
    form = None
    if document is not None:
        current = selectors.current_targets(ind, region)
        baseline = selectors.document_baseline(ind, region, document)
        form = TargetForm(request.POST if request.method == "POST" else None,
                          document=document, current=current, baseline=baseline)
        if request.method == "POST" and form.is_valid():
            try:
                _save_targets(request.user, ind, region, document, form)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Targets saved."))
                return redirect("targets:indicator", code=region.code, indicator=ind.code)
    return render(request, "targets/target_form.html", {
        "region": region, "indicator": ind, "name": ind.name(get_language() or "id"),
        "documents": documents, "document": document, "form": form,
        "history": selectors.target_history(ind, region),
    })


def _save_targets(user, ind, region, document, form) -> None:
    from django.db import transaction

    data = form.cleaned_data
    with transaction.atomic():
        if data.get("baseline_year") is not None:
            services.baseline_set(indicator=ind, region=region, document=document,
                                  year=data["baseline_year"], value=data["baseline_value"],
                                  acting_user=user)
        for year, value in form.targets().items():
            services.target_set(indicator=ind, region=region, year=year, value=value,
                                document=document, note=data.get("note") or "",
                                acting_user=user)


@login_required
@require_GET
def documents(request, code: str):
    region = access.access_region(request.user, code, feature="targets")
    return render(request, "targets/documents.html", {
        "region": region, "documents": selectors.documents_for(region),
        "can_manage": _can_manage(request.user, code),
    })


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request, code: str):
    region = access.access_region(request.user, code, feature="targets_manage")
    return _document_form(request, region, None)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, document_id: int):
    document = selectors.plan_document_for(request.user, document_id, manage=True)
    return _document_form(request, document.region, document)


def _document_form(request, region, document: PlanDocument | None):
    form = PlanDocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_document_save(region=region, data=form.cleaned_data,
                                        document=document, acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Plan document saved."))
            return redirect("targets:documents", code=region.code)
    return render(request, "targets/document_form.html", {
        "region": region, "document": document, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def bands(request, code: str):
    region = access.access_region(request.user, code, feature="targets_manage")
    current, owner = selectors.bands_for(code)
    form = BandsForm(request.POST or None, initial={"on_track": current.on_track,
                                                   "attention": current.attention})
    if request.method == "POST" and form.is_valid():
        try:
            services.status_bands_set(region=region, on_track=form.cleaned_data["on_track"],
                                      attention=form.cleaned_data["attention"],
                                      acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Status bands saved."))
            return redirect("targets:region", code=region.code)
    return render(request, "targets/bands.html", {
        "region": region, "form": form, "owner": owner, "status_labels": STATUS_LABELS})


@login_required
@require_POST
def refresh(request, code: str):
    region = access.access_region(request.user, code, feature="targets_manage")
    results = services.computed_values_refresh_region(region=region, acting_user=request.user)
    done = [r for r in results if r.get("snapshot")]
    if done:
        messages.success(request, _("Indicators from the register recomputed."))
    else:
        messages.info(request, _("No classified register snapshot in this region yet."))
    return redirect("targets:region", code=region.code)


@login_required
@require_POST
def catalogue_load(request):
    access.require_feature(request.user, "targets_manage")
    counts = services.indicator_catalogue_load(acting_user=request.user)
    messages.success(request, _("Standard indicators: %(created)s new, %(updated)s updated.")
                     % counts)
    return redirect("targets:index")


# --- Official figures import ----------------------------------------------------------------


def _upload_folder() -> Path:
    return Path(settings.UPLOAD_DIR) / "targets" / uuid.uuid4().hex


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    access.require_feature(request.user, "targets_manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        path = save_upload(d["file"], _upload_folder())
        try:
            result = services.official_import(
                path=path, file_name=d["file"].name, mapping=d["mapping"],
                default_year=d["default_year"], default_period=d["default_period"] or "",
                acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("targets:import-result", batch_id=result.batch.pk)
    return render(request, "targets/import.html", {
        "form": form, "imports": selectors.imports_for(request.user),
        "synonyms": _synonym_table(),
    })


def _synonym_table() -> list[tuple[str, str, list[str]]]:
    from konvergen.targets import catalogue

    language = get_language() or "id"
    rows = [(name, "", synonyms) for name, synonyms in official.STRUCTURE.items()]
    rows += [(e.code, e.name_en if language.startswith("en") else e.name_id, list(e.synonyms))
             for e in catalogue.CATALOGUE if e.synonyms]
    return rows


def _mapping_choices():
    fields = [(f, f) for f in official.STRUCTURE]
    fields += [(s.code, f"{s.code} ({s.name})") for s in services.indicator_specs()]
    return [("", _("leave out")), *fields]


@login_required
@require_GET
def import_result(request, batch_id: int):
    batch = selectors.official_import_for(request.user, batch_id)
    return render(request, "targets/import_result.html", {
        "batch": batch, "counts": batch.counts,
        "rejections": selectors.import_rejections(batch),
        "choices": _mapping_choices(),
    })


@login_required
@require_GET
def import_rejected(request, batch_id: int):
    batch = selectors.official_import_for(request.user, batch_id)
    rows = ([r.row_number, r.column, r.value, r.reason, r.message_id, r.message_en]
            for r in selectors.import_rejection_rows(batch))
    return xlsx_response(f"ditolak-{batch.pk}.xlsx",
                         [_("Row"), _("Column"), _("Value"), _("Reason code"),
                          "Alasan", "Reason"], rows, sheet=_("Rejected rows"))


@login_required
@require_POST
def import_remap(request, batch_id: int):
    """Import the same file again with the user's mapping of its unknown columns."""
    batch = selectors.official_import_for(request.user, batch_id)
    choices = {c for c, _label in _mapping_choices()}
    mapping = dict(batch.mapping)
    for i, header in enumerate(batch.unknown_columns):
        target = request.POST.get(f"map{i}", "")
        if target and target in choices:
            mapping[header] = target
    if mapping == batch.mapping:
        messages.info(request, _("Choose a field for at least one column."))
        return redirect("targets:import-result", batch_id=batch.pk)
    try:
        result = services.official_import(
            path=batch.file_path, file_name=batch.file_name, mapping=mapping,
            default_year=batch.options.get("default_year"),
            default_period=batch.options.get("default_period", ""), acting_user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("targets:import-result", batch_id=batch.pk)
    return redirect("targets:import-result", batch_id=result.batch.pk)
