from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from konvergen.accounts import access
from konvergen.core import jobs
from konvergen.core.xlsx import xlsx_response
from konvergen.regions import selectors as region_selectors
from konvergen.regions.models import Level, Region
from konvergen.welfare import selectors, services
from konvergen.welfare.forms import (
    BaseIndicatorFormSet,
    IndicatorFormSet,
    RuleSetForm,
    indicator_initial,
)
from konvergen.welfare.models import RuleSet

TABLES = ("status", "needs", "trend", "compare")


def _dashboard(request, code: str, *, full: bool = True) -> tuple[Region, dict]:
    region = access.access_region(request.user, code, feature="welfare")
    # Codes and names only: the desa counts of region_children() are not needed here.
    children = region_selectors.active_children(region.code)
    data = selectors.dashboard(request.user, region, children, request.GET, full=full)["welfare"]
    if data is None:
        raise Http404(access.NOT_FOUND)
    return region, data


@login_required
def region_values(request, code: str):
    """Map values per child region (the region itself when it has none)."""
    _region, data = _dashboard(request, code, full=False)
    rows = data["children"] or [data["total"]]
    return JsonResponse(
        {
            "metrics": [[key, str(label)] for key, label in data["metrics"]],
            "values": {f.code: f.metrics for f in rows},
        }
    )


def _share(value):
    return None if value is None else round(value * 100, 2)


@login_required
def region_table(request, code: str, table: str):
    if table not in TABLES:
        raise Http404(access.NOT_FOUND)
    region, data = _dashboard(request, code)
    k, personal = data["k"], data["personal"]
    rows_of = [*data["children"], data["total"]]
    statuses = selectors.status_labels()
    if table == "status":
        headers = [
            _("Code"),
            _("Region"),
            _("Families"),
            _("Persons"),
            *(label for _key, label in statuses),
            _("Extreme poor and poor (%)"),
            _("MPI H (%)"),
            _("MPI A (%)"),
            _("MPI M0"),
            _("P0 (%)"),
            _("P1 (%)"),
            _("P2 (%)"),
        ]
        rows = []
        for f in rows_of:
            m = f.metrics
            rows.append(
                [
                    f.code,
                    f.name,
                    f.count("families", k, personal),
                    f.count("persons", k, personal),
                    *(f.count(f"families_{key}", k, personal) for key, _label in statuses),
                    _share(m["poor_share"]),
                    _share(m["mpi_h"]),
                    _share(m["mpi_a"]),
                    None if m["mpi_m0"] is None else round(m["mpi_m0"], 4),
                    _share(m["fgt_p0"]),
                    _share(m["fgt_p1"]),
                    _share(m["fgt_p2"]),
                ]
            )
    elif table == "needs":
        headers = [_("Indicator"), _("Need"), _("Dimension")] + [
            f"{f.name} ({f.code})" for f in rows_of
        ]
        rows = [
            [i["code"], i["label"], str(i["dimension_label"])]
            + [_share(f.metrics.get(f"need:{i['code']}")) for f in rows_of]
            for i in data["indicators"]
        ]
    elif table == "trend":
        headers = [
            _("Snapshot date"),
            _("Families"),
            *(f"{label} (%)" for _key, label in statuses[:4]),
            _("MPI M0"),
        ]
        rows = []
        for date, f in data["trend"]:
            families = f.get("families")
            shares = [
                _share(f._ratio(f.get(f"families_{key}"), families)) for key, _label in statuses[:4]
            ]
            m0 = f.metrics["mpi_m0"]
            rows.append(
                [
                    date.isoformat(),
                    f.count("families", k, personal),
                    *shares,
                    None if m0 is None else round(m0, 4),
                ]
            )
    else:
        if data["comparison"] is None:
            raise Http404(access.NOT_FOUND)
        before, after = data["compare"].isoformat(), data["as_of"].isoformat()
        headers = [_("Code"), _("Region")]
        for key in (_("Extreme poor and poor (%)"), _("Extreme poor (%)"), _("MPI M0")):
            headers += [f"{key} {before}", f"{key} {after}", f"{key} Δ"]
        rows = []
        for c in data["comparison"]:
            row = [c["code"], c["name"]]
            for key in ("poor_share", "extreme_share", "mpi_m0"):
                scale = _share if key != "mpi_m0" else (lambda v: v)
                row += [scale(c["before"][key]), scale(c["after"][key]), scale(c["change"][key])]
            rows.append(row)
    name = f"{table}-{region.code}-{data['as_of'].isoformat()}.xlsx"
    return xlsx_response(name, headers, rows, sheet=table)


def _settings_regions(user) -> list[Region]:
    return selectors.settings_regions(user)


@login_required
def settings_index(request):
    access.require_feature(request.user, "welfare_settings")
    regions = _settings_regions(request.user)
    return render(request, "welfare/settings_index.html", {"regions": regions})


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request, code: str):
    region = access.access_region(request.user, code, feature="welfare_settings")
    if region.level > Level.KABKOTA:
        raise Http404(access.NOT_FOUND)
    from django.utils import timezone

    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    ruleset = services.effective_ruleset(region.code, year)
    own = ruleset if ruleset and ruleset.region_id == region.code and ruleset.year == year else None
    initial_rules = RuleSet(region=region, year=year)
    if ruleset is not None:  # start from the inherited or earlier year's values
        for name in services.RULE_FIELDS:
            setattr(initial_rules, name, getattr(ruleset, name))
    indicators, owner = services.effective_indicators(region.code)
    rule_form = RuleSetForm(request.POST or None, instance=initial_rules, prefix="rules")
    formset = cast(
        BaseIndicatorFormSet,
        IndicatorFormSet(request.POST or None, initial=indicator_initial(indicators), prefix="ind"),
    )
    if request.method == "POST" and rule_form.is_valid() and formset.is_valid():
        rules = {n: rule_form.cleaned_data[n] for n in services.RULE_FIELDS}
        try:
            services.welfare_rules_update(
                region=region,
                year=year,
                rules=rules,
                indicators=formset.indicators(),
                acting_user=request.user,
            )
        except ValueError as exc:
            rule_form.add_error(None, str(exc))
        else:
            if request.POST.get("recompute"):
                jobs.start(_recompute, region.code, request.user.pk, kind="welfare.recompute",
                           region_code=region.code)
            return redirect(f"{request.path}?year={year}&saved=1")
    return render(
        request,
        "welfare/settings.html",
        {
            "region": region,
            "year": year,
            "own": own,
            "inherited_from": ruleset.region_id if ruleset and not own else None,
            "indicators_from": owner,
            "rule_form": rule_form,
            "formset": formset,
            "saved": request.GET.get("saved"),
        },
    )


def _recompute(region_code: str, user_id: int) -> None:
    from konvergen.accounts.selectors import user_by_id

    user = user_by_id(user_id)
    services.welfare_recompute_region(region_code=region_code, acting_user=user)
