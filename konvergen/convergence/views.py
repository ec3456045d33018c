"""Convergence dashboard and worklists: stored summaries only, access-checked first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.convergence import selectors, services
from konvergen.convergence.forms import PlanForm, TargetRulesForm
from konvergen.core.xlsx import xlsx_response
from konvergen.programs import selectors as program_selectors
from konvergen.programs import services as program_services
from konvergen.programs.models import Programme
from konvergen.regions import selectors as region_selectors
from konvergen.regions.models import Level

WORKLIST_PAGE = 500


def _year(request, years: list[int]) -> int | None:
    try:
        wanted = int(request.GET.get("year", ""))
    except ValueError:
        wanted = None
    if wanted in years:
        return wanted
    return years[-1] if years else wanted


@login_required
def convergence_index(request):
    access.require_feature(request.user, "convergence")
    regions = selectors.index_regions(request.user)
    worklist = access.display_scopes(request.user, feature="worklists")
    return render(request, "convergence/index.html", {"regions": regions, "worklist": worklist})


#: Seconds a rendered dashboard stays cached; the key holds every run's id and time, so a
#: refresh changes it.
CACHE_SECONDS = 600


@login_required
def dashboard(request, code: str):
    region = access.access_region(request.user, code, feature="convergence")
    years = selectors.years_for(code)
    year = _year(request, years)
    k = selectors.suppression_k(request.user, code, year or 0)
    can_worklist = access.has_feature(request.user, "worklists")
    runs = selectors.runs_for(code, year) if year else []
    key = "convergence:{}:{}:{}:{}:{}:{}".format(
        code, year, k, get_language(), can_worklist,
        ",".join(f"{r.pk}@{r.computed_at.timestamp()}" for r in runs),
    )
    cached = cache.get(key)
    if cached is None:
        data = selectors.dashboard(code, year) if runs and year else None
        if data:
            _suppress(data, k)
        chart = _chart(data) if data else None
        body = render_to_string(
            "convergence/_dashboard_body.html",
            {"region": region, "year": year, "data": data, "k": k,
             "can_worklist": can_worklist, "chart": chart},
        )
        cached = {"data": data, "chart": chart, "body": mark_safe(body)}
        cache.set(key, cached, CACHE_SECONDS)
    return render(
        request,
        "convergence/dashboard.html",
        {"region": region, "years": years, "year": year, "k": k, **cached,
         "map_url": reverse("regions:map", args=[code]),
         "can_targets": region.level <= Level.KABKOTA
         and access.in_scope(request.user, code, feature="target_settings")},
    )


@login_required
def region_values(request, code: str):
    """Map values per child region: share of target families reached by no one, and
    reached. Shares of regions with fewer than k target families are hidden from users
    without personal-data rights."""
    access.access_region(request.user, code, feature="convergence")
    years = selectors.years_for(code)
    year = _year(request, years)
    k = selectors.suppression_k(request.user, code, year or 0)
    data = selectors.region_figures(code, year) if year else {"children": []}
    values = {}
    for row in data["children"]:
        target = row["target_families"]
        hidden = not target or target < k
        values[row["region_code"]] = {
            "unreached_share": None if hidden else row["unreached_families"] / target,
            "reached_share": None if hidden else row["reached_families"] / target,
        }
    return JsonResponse({"values": values})


def _suppress(data: dict, k: int) -> None:
    """Users without personal-data rights never see a count of 1 … k-1 families."""
    if k <= 1:
        return

    def hide(row: dict, keys) -> None:
        for key in keys:
            value = row.get(key)
            if isinstance(value, int) and 0 < value < k:
                row[key] = None

    hide(data["total"], selectors.REGION_SUMS)
    for row in data["children"]:
        hide(row, selectors.REGION_SUMS)
    for row in data["needs"]:
        hide(row, [*selectors.NEED_SUMS, "uncovered"])


def _chart(data: dict) -> dict:
    total = data["total"]
    return {
        "stages": [str(_("Charity")), str(_("Individual empowerment")),
                   str(_("Group empowerment")), str(_("Graduated"))],
        "stage_counts": [total.get("stage_charity"), total.get("stage_individual"),
                         total.get("stage_group"), total.get("stage_graduated")],
        "needs": [str(n["label"]) for n in data["needs"]],
        "covered": [n["target_covered"] for n in data["needs"]],
        "uncovered": [n["uncovered"] for n in data["needs"]],
        "sector": [str(r["label"]) for r in data["budget_by"].get("sector", [])],
        "sector_value": [r["value"] for r in data["budget_by"].get("sector", [])],
    }


def _worklist_params(request, code: str):
    region = access.access_region(request.user, code, feature="worklists")
    years = selectors.years_for(code)
    year = _year(request, years)
    need = request.GET.get("need") or None
    rows, runs = selectors.worklist(code=code, year=year or 0, need=need)
    labels = selectors.indicator_labels_for(runs)
    own_needs = _own_needs(request.user, code)
    return region, years, year, need, rows, runs, labels, own_needs


def _own_needs(user, code: str) -> list[str]:
    """The needs the user's organisation's programmes address (an agency's default focus)."""
    orgs = access.programme_organisations(user, code)
    if not orgs:
        return []
    return program_selectors.organisation_needs(orgs)


@login_required
def worklist(request, code: str):
    region, years, year, need, rows, runs, labels, own_needs = _worklist_params(request, code)
    redaction = access.redaction(request.user, code)
    total = selectors.worklist_total(rows)
    page = list(selectors.worklist_rows(rows[:WORKLIST_PAGE], runs, labels, redaction))
    if redaction.visible:
        audit_record(actor=request.user, action="personal_data.worklist_view", obj=region,
                     region_code=code, changes={"year": year, "need": need or "",
                                                "rows": len(page)})
    need_options = [(c, labels.get(c, c)) for r in runs[:1] for c in r.config["need_codes"]]
    programmes = _plan_programmes(request.user, code, need)
    plan_form = None
    if programmes:
        plan_form = PlanForm(
            programmes=program_selectors.programmes_by_ids(p.pk for p in programmes),
            initial={"year": (year or 0) + 1},
        )
    return render(
        request,
        "convergence/worklist.html",
        {
            "region": region,
            "years": years,
            "year": year,
            "need": need,
            "need_options": need_options,
            "own_needs": own_needs,
            "rows": page,
            "total": total,
            "shown": len(page),
            "plan_form": plan_form,
            "query": urlencode({"year": year or "", "need": need or ""}),
        },
    )


def _plan_programmes(user, code: str, need: str | None) -> list[Programme]:
    """Programmes addressing ``need`` that can reach ``code`` and that the user manages
    (an officer: their organisation's; the secretariat: every one of its region)."""
    return selectors.plan_programmes(user, code, need)


@login_required
@require_POST
def worklist_plan(request, code: str):
    """Planned interventions for the next period from a worklist: the ticked families or
    every family of the list, of one programme addressing the list's need (set-wise)."""
    _region, _years, year, need, rows, _runs, _labels, _own = _worklist_params(request, code)
    programmes = _plan_programmes(request.user, code, need)
    if not programmes:
        raise Http404(access.NOT_FOUND)
    form = PlanForm(request.POST, programmes=program_selectors.programmes_by_ids(
        p.pk for p in programmes))
    back = reverse("convergence:worklist", args=[code]) + "?" + urlencode(
        {"year": year or "", "need": need or ""})
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors) or _("Choose a programme and a period."))
        return redirect(back)
    programme = program_selectors.programme_for(
        request.user, form.cleaned_data["programme"].pk, manage=True)
    if form.cleaned_data["scope"] == "selected":
        ids = [int(v) for v in request.POST.getlist("family") if v.isdigit()]
        rows = selectors.worklist_selected(rows, ids)
    outcome = program_services.interventions_plan(
        programme=programme, families=rows, year=form.cleaned_data["year"],
        value=form.cleaned_data["value"], acting_user=request.user,
    )
    messages.success(request, _("%(planned)s planned interventions of %(programme)s for "
                                "%(year)s.") % {**outcome, "programme": programme.name,
                                                "year": form.cleaned_data["year"]})
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def target_rules(request, code: str):
    """Which families the region counts as its target (secretariat and administrators)."""
    region = access.access_region(request.user, code, feature="target_settings")
    if region.level > Level.KABKOTA:
        raise Http404(access.NOT_FOUND)
    current = services.target_rules(region.code)
    own = current.owner == region.code
    initial = {
        "statuses": [str(s) for s in current.statuses] if own else [],
        "desil_min": current.desil_min if own else None,
        "desil_max": current.desil_max if own else None,
    }
    form = TargetRulesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_rules_set(
                region=region,
                statuses=[int(s) for s in form.cleaned_data["statuses"]],
                desil_min=form.cleaned_data["desil_min"],
                desil_max=form.cleaned_data["desil_max"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Target rules saved; the convergence figures are "
                                        "being recomputed."))
            return redirect("convergence:targets", code=region.code)
    owner = region_selectors.region_by_code(current.owner) if current.owner else None
    return render(
        request,
        "convergence/targets.html",
        {
            "region": region,
            "form": form,
            "current": current,
            "current_labels": [selectors.status_label(s) for s in current.statuses],
            "owner": owner,
            "own": own,
        },
    )


WORKLIST_HEADERS = [
    "ID Keluarga", "No KK", "Kepala Keluarga", "NIK", "Alamat", "Kode Desa", "Desa/Kelurahan",
    "Desil", "Status", "Kebutuhan belum terjangkau", "Jumlah program diterima",
]


@login_required
def worklist_xlsx(request, code: str):
    _region, _years, year, need, rows, runs, labels, _own = _worklist_params(request, code)
    redaction = access.redaction(request.user, code)
    data = (
        [r["source_id"], r["kk"], r["head"], r["nik"], r["address"], r["desa_code"], r["desa"],
         r["desil"], str(r["status"]), r["unmet"], r["programmes"]]
        for r in selectors.worklist_rows(rows.iterator(chunk_size=2000), runs, labels,
                                         redaction)
    )
    name = f"worklist-{code}-{year or ''}{'-' + need if need else ''}.xlsx"
    if redaction.visible:
        audit_record(actor=request.user, action="personal_data.worklist_export", obj=_region,
                     region_code=code, changes={"year": year, "need": need or ""})
    return xlsx_response(name, WORKLIST_HEADERS, data, sheet=_("Worklist"))
