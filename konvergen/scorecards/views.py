"""Scorecard pages: thin views (access check, selector or service, template)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergen.accounts import access
from konvergen.audit.services import audit_record
from konvergen.core.xlsx import xlsx_response
from konvergen.plans import e81
from konvergen.regions.models import Level, Region
from konvergen.scorecards import engine, selectors, services, sources
from konvergen.scorecards.forms import (
    ComplianceForm,
    CriterionFormSet,
    CustomScorecardForm,
    WeightsForm,
)
from konvergen.scorecards.models import Peers


def _region(request, code: str, feature: str = "scorecards") -> Region:
    region = access.access_region(request.user, code, feature=feature)
    if region.level != Level.KABKOTA:
        raise Http404(access.NOT_FOUND)
    return region


def _quarter(request, region: Region, year: int) -> int:
    try:
        quarter = int(request.GET.get("quarter") or 0)
    except ValueError:
        quarter = 0
    if quarter not in e81.QUARTERS:
        quarter = selectors.default_quarter(region.code, year)
    return quarter


def _criteria_headers(columns: list[tuple[str, str]]) -> list[str]:
    """A value and a score column per criterion, then the missing keys."""
    value, score = _("value"), _("score")
    return [h for _key, label in columns
            for h in (f"{label} ({value})", f"{label} ({score})")]


def _criteria_cells(row, columns: list[tuple[str, str]]) -> list:
    cells: list = []
    for key, _label in columns:
        c = row.criteria[key]
        raw = int(c.raw) if isinstance(c.raw, bool) else c.raw
        cells += [None if raw is None else round(float(raw), 2), round(c.score, 2)]
    return [*cells, ", ".join(row.missing)]


@login_required
@require_GET
def index(request):
    """The kab/kota whose organisations the user may compare."""
    access.require_feature(request.user, "scorecards")
    regions, provinces = selectors.scorecard_regions(request.user)
    year = timezone.localdate().year
    return render(request, "scorecards/index.html", {"regions": regions, "year": year,
                                                     "provinces": provinces})


@login_required
@require_GET
def agencies(request, code: str, year: int):
    region = _region(request, code)
    quarter = _quarter(request, region, year)
    result = selectors.agency_scorecard(region, year, quarter)
    return render(request, "scorecards/agencies.html", {
        "region": region, "year": year, "quarter": quarter, "result": result,
        "quarters": list(e81.QUARTERS), "years": [year - 1, year, year + 1],
        "can_manage": access.in_scope(request.user, region.code, feature="scorecards_manage"),
        "custom_cards": selectors.custom_scorecards(region, Peers.AGENCIES),
    })


@login_required
@require_GET
def agencies_xlsx(request, code: str, year: int):
    region = _region(request, code)
    quarter = _quarter(request, region, year)
    result = selectors.agency_scorecard(region, year, quarter)
    headers = [_("Rank"), _("Organisation"), _("Strategy"), _("Rank in strategy"), _("Score"),
               *_criteria_headers(result.columns), _("Missing data")]
    group_rank = {row.peer: (row.group, row.rank) for _s, _l, rows in result.by_strategy
                  for row in rows}
    strategy: dict[str | None, str] = {s: label for s, label, _rows in result.by_strategy}

    def lines():
        for row in result.rows:
            group, rank = group_rank[row.peer]
            yield [row.rank, row.name, strategy.get(group, ""), rank, round(row.score, 2),
                   *_criteria_cells(row, result.columns)]

    audit_record(actor=request.user, action="scorecards.export_agencies", obj=region,
                 region_code=region.code, changes={"year": year, "quarter": quarter})
    return xlsx_response(f"Skor-OPD-{region.code}-{year}-TW{quarter}.xlsx", headers, lines(),
                         sheet=_("Scorecard"))


@login_required
@require_http_methods(["GET", "POST"])
def weights(request, code: str):
    region = _region(request, code, feature="scorecards_manage")
    card = selectors.local_agency_card(region.code, 4)
    columns = [(c.key, str(selectors.LABELS.get(c.key, c.label))) for c in card.criteria]
    form = WeightsForm(request.POST or None, columns=columns,
                       initial_weights={c.key: c.weight for c in card.criteria})
    if request.method == "POST" and form.is_valid():
        try:
            services.scorecard_weights_set(
                region=region, acting_user=request.user,
                weights={key: float(value) for key, value in form.cleaned_data.items()})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Weights saved."))
            return redirect(reverse("scorecards:agencies",
                                    args=[region.code, timezone.localdate().year]))
    return render(request, "scorecards/weights.html", {"region": region, "form": form,
                                                       "year": timezone.localdate().year})


def _province(request, code: str) -> Region:
    region = access.access_region(request.user, code, feature="scorecards_province")
    if region.level != Level.PROVINCE:
        raise Http404(access.NOT_FOUND)
    return region


@login_required
@require_GET
def province(request, code: str, year: int):
    """The kab/kota of a province ranked on the PMK 97/2023 fiscal-incentive preset."""
    region = _province(request, code)
    result = selectors.province_scorecard(region, year)
    manage = access.in_scope_test(request.user, feature="scorecards_manage")
    return render(request, "scorecards/province.html", {
        "region": region, "year": year, "result": result,
        "years": [year - 1, year, year + 1],
        "editable": {r.code for r in result.regions if manage(r.code)},
        "can_manage": manage(region.code),
        "custom_cards": selectors.custom_scorecards(region, Peers.REGIONS),
        "sources": {
            "regulation": engine.PMK_97_2023_SOURCE,
            "compliance": engine.PMK_97_2023_COMPLIANCE_SOURCE},
    })


@login_required
@require_GET
def province_xlsx(request, code: str, year: int):
    region = _province(request, code)
    result = selectors.province_scorecard(region, year)
    headers = [_("Rank"), _("Kabupaten/kota"), _("Code"), _("Type"), _("Score"),
               *_criteria_headers(result.leaves), _("Missing data")]

    def lines():
        for row in result.rows:
            yield [row.rank, row.name, row.peer, row.group, round(row.score, 2),
                   *_criteria_cells(row, result.leaves)]

    audit_record(actor=request.user, action="scorecards.export_province", obj=region,
                 region_code=region.code, changes={"year": year})
    return xlsx_response(f"Insentif-Fiskal-{region.code}-{year}.xlsx", headers, lines(),
                         sheet=_("Fiscal incentive"))


@login_required
@require_http_methods(["GET", "POST"])
def compliance(request, code: str, year: int):
    """A kab/kota's inputs to the PMK 97/2023 ranking (its own or its province's
    secretariat)."""
    region = _region(request, code, feature="scorecards_manage")
    row = selectors.region_compliance(region, year)
    form = ComplianceForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.region_compliance_set(region=region, year=year, values=form.cleaned_data,
                                           acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    return render(request, "scorecards/compliance.html", {
        "region": region, "year": year, "form": form,
        "can_province": access.in_scope(request.user, region.parent_id or "",
                                        feature="scorecards_province"),
    })


# --- Scorecards a secretariat defines ------------------------------------------------------


def _custom_region(request, code: str, peers: str) -> Region:
    if peers not in Peers.values:
        raise Http404(access.NOT_FOUND)
    region = access.access_region(request.user, code, feature="scorecards_manage")
    level = Level.KABKOTA if peers == Peers.AGENCIES else Level.PROVINCE
    if region.level != level:
        raise Http404(access.NOT_FOUND)
    return region


def _criteria_initial(card) -> list[dict]:
    return [{"label": c.label, "source": c.source, "parameter": c.parameter, "rule": c.rule,
             "weight": c.weight, "polarity": c.polarity, "cap": c.cap}
            for c in card.criteria.all()]


def _custom_form(request, region: Region, peers: str, card=None):
    """The create and edit page: the scorecard's fields and its criteria table."""
    initial = ({"name": card.name, "description": card.description, "top": card.top,
                "separate_kinds": card.separate_kinds} if card else None)
    form = CustomScorecardForm(request.POST or None, initial=initial)
    formset = CriterionFormSet(request.POST or None, prefix="c",
                               initial=_criteria_initial(card) if card else None,
                               form_kwargs={"peers": peers})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms
                if f.filled and not f.cleaned_data.get("DELETE")]
        try:
            saved = services.custom_scorecard_save(
                region=region, peers=peers, acting_user=request.user, scorecard=card,
                criteria=rows, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Scorecard saved."))
            return redirect(reverse("scorecards:custom",
                                    args=[saved.pk, timezone.localdate().year]))
    return render(request, "scorecards/custom_form.html", {
        "region": region, "peers": peers, "card": card, "form": form, "formset": formset,
        "sources": sources.sources_for(peers), "rules": sources.RULES,
        "rule_labels": sources.RULE_LABELS, "year": timezone.localdate().year,
    })


@login_required
@require_http_methods(["GET", "POST"])
def custom_new(request, code: str, peers: str):
    region = _custom_region(request, code, peers)
    return _custom_form(request, region, peers)


@login_required
@require_http_methods(["GET", "POST"])
def custom_edit(request, pk: int):
    card = selectors.custom_scorecard_for(request.user, pk, manage=True)
    return _custom_form(request, card.region, card.peers, card)


@login_required
@require_POST
def custom_archive(request, pk: int):
    card = selectors.custom_scorecard_for(request.user, pk, manage=True)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm archiving."))
        return redirect(reverse("scorecards:custom", args=[card.pk, timezone.localdate().year]))
    services.custom_scorecard_archive(scorecard=card, acting_user=request.user)
    messages.success(request, _("Scorecard archived."))
    if card.peers == Peers.AGENCIES:
        return redirect(reverse("scorecards:agencies",
                                args=[card.region_id, timezone.localdate().year]))
    return redirect(reverse("scorecards:province",
                            args=[card.region_id, timezone.localdate().year]))


def _custom_result(request, pk: int, year: int):
    card = selectors.custom_scorecard_for(request.user, pk)
    if card.peers == Peers.AGENCIES:
        quarter = _quarter(request, card.region, year)
    else:
        try:
            quarter = int(request.GET.get("quarter") or 4)
        except ValueError:
            quarter = 4
        quarter = quarter if quarter in e81.QUARTERS else 4
    return card, selectors.custom_result(card, year, quarter)


@login_required
@require_GET
def custom(request, pk: int, year: int):
    card, result = _custom_result(request, pk, year)
    return render(request, "scorecards/custom.html", {
        "card": card, "region": card.region, "year": year, "result": result,
        "quarters": list(e81.QUARTERS), "years": [year - 1, year, year + 1],
        "can_manage": access.in_scope(request.user, card.region_id,
                                      feature="scorecards_manage"),
        "is_agencies": card.peers == Peers.AGENCIES,
    })


@login_required
@require_GET
def custom_xlsx(request, pk: int, year: int):
    card, result = _custom_result(request, pk, year)
    group_label = _("Strategy") if card.peers == Peers.AGENCIES else _("Type")
    headers = [_("Rank"), _("Name"), group_label, _("Score"),
               *_criteria_headers(result.columns), _("Missing data")]
    labels = {**{s: label for s, label, _rows in result.by_strategy}, **result.group_labels}
    strategy_of = {row.peer: row.group for _s, _l, rows in result.by_strategy
                   for row in rows} if card.peers == Peers.AGENCIES else {}

    def lines():
        for row in result.rows:
            group = strategy_of.get(row.peer, row.group)
            yield [row.rank, row.name, labels.get(group, group or ""), round(row.score, 2),
                   *_criteria_cells(row, result.columns)]
        for _strategy, label, rows in ([] if card.peers == Peers.AGENCIES
                                      else result.by_strategy):
            yield []
            yield [str(label)]
            for row in rows:
                yield [row.rank, row.name, labels.get(row.group, row.group or ""),
                       round(row.score, 2), *_criteria_cells(row, result.columns)]

    audit_record(actor=request.user, action="scorecards.export_custom", obj=card,
                 region_code=card.region_id, changes={"year": year, "quarter": result.quarter})
    return xlsx_response(f"Skor-{card.pk}-{card.region_id}-{year}.xlsx", headers, lines(),
                         sheet=_("Scorecard"))
