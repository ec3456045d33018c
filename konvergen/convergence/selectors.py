"""Reads for the convergence dashboard and the worklists, from the stored runs only.

A region shows, for one period, the latest run of every dataset overlapping it; the stored
counts of several runs add up per region code (two kabupaten make their province)."""

from collections import defaultdict

from django.db.models import F, Q, Sum
from django.utils.translation import get_language

from konvergen.accounts import access
from konvergen.convergence.models import (
    BudgetConvergence,
    ConvergenceRun,
    FamilyConvergence,
    NeedConvergence,
    ProgrammeConvergence,
    RegionConvergence,
)
from konvergen.convergence.services import datasets_touching
from konvergen.programs.models import Programme
from konvergen.programs.selectors import programmes_for
from konvergen.regions.filters import within_q
from konvergen.regions.models import Region
from konvergen.welfare.engine import DEFAULT_INDICATORS
from konvergen.welfare.models import Status

REGION_SUMS = [
    "families",
    "target_families",
    "reached_families",
    "unreached_families",
    "fully_covered_families",
    "overlap_families",
    "nontarget_reached",
    "outside_eligibility_families",
    "stage_charity",
    "stage_individual",
    "stage_group",
    "stage_graduated",
    "interventions",
    "value",
]
NEED_SUMS = ["target_deprived", "target_covered", "families_covered", "overlap_families"]
_LEVEL = {2: 1, 5: 2, 8: 3, 13: 4}


def runs_for(code: str, year: int) -> list[ConvergenceRun]:
    """The current run of each dataset overlapping ``code`` for ``year``."""
    return list(
        ConvergenceRun.objects.filter(snapshot__dataset__in=datasets_touching(code), year=year)
    )


def years_for(code: str) -> list[int]:
    return sorted(
        set(
            ConvergenceRun.objects.filter(
                snapshot__dataset__in=datasets_touching(code)
            ).values_list("year", flat=True)
        )
    )


def _summed(model, runs, codes_q, group: list[str], fields: list[str]) -> list[dict]:
    rows = model.objects.filter(run__in=runs).filter(codes_q)
    return list(rows.values(*group).annotate(**{f: Sum(f) for f in fields}).order_by(*group))


def region_totals(code: str, year: int) -> dict:
    """Only the totals row of ``code`` for ``year`` and the runs it comes from (two queries:
    the runs, one sum), for pages that quote the headline figures."""
    runs = runs_for(code, year)
    total = _summed(RegionConvergence, runs, Q(region_code=code), ["region_code"], REGION_SUMS)
    return {"runs": runs, "total": total[0] if total else dict.fromkeys(REGION_SUMS, 0)}


def totals_many(parent_code: str, codes: list[str], year: int) -> dict:
    """The totals rows of several regions below ``parent_code`` for ``year`` (two queries:
    the parent's runs, one grouped sum): ``{"runs": [...], "totals": {code: {...}}}``."""
    runs = runs_for(parent_code, year)
    rows = _summed(RegionConvergence, runs, Q(region_code__in=codes), ["region_code"],
                   REGION_SUMS) if codes and runs else []
    return {"runs": runs, "totals": {row["region_code"]: row for row in rows}}


def hierarchy_figures(code: str, year: int) -> dict:
    """The totals of ``code`` and of every region below it, and their per-need rows, for
    ``year`` (three queries whatever the number of regions): what the public portal
    protects as one set of tables."""
    runs = runs_for(code, year)
    where = within_q(code, "region_code")
    regions = _summed(RegionConvergence, runs, where, ["region_code", "level"],
                      ["families", "target_families", "reached_families",
                       "unreached_families"]) if runs else []
    needs = _summed(NeedConvergence, runs, where, ["region_code", "indicator"],
                    ["target_deprived", "target_covered"]) if runs else []
    return {"runs": runs, "regions": regions, "needs": needs}


def region_figures(code: str, year: int) -> dict:
    """The totals of ``code``, its child regions' rows, per-need and per-programme rows."""
    runs = runs_for(code, year)
    level = _LEVEL.get(len(code), 4)
    here = Q(region_code=code)
    children = Q(region_code__startswith=code + ".")
    total = _summed(RegionConvergence, runs, here, ["region_code"], REGION_SUMS)
    child_rows = _summed(
        RegionConvergence,
        runs,
        children & Q(level=level + 1),
        ["region_code"],
        REGION_SUMS,
    )
    needs = _summed(NeedConvergence, runs, here, ["indicator"], NEED_SUMS)
    child_needs = (
        NeedConvergence.objects.filter(run__in=runs)
        .filter(region_code__in=[c["region_code"] for c in child_rows])
        .values("region_code", "indicator")
        .annotate(deprived=Sum("target_deprived"), covered=Sum("target_covered"))
    )
    programmes = _summed(
        ProgrammeConvergence,
        runs,
        here,
        ["programme_id"],
        ["eligible", "beneficiaries", "inclusion_errors", "exclusions", "value"],
    )
    budget = _summed(
        BudgetConvergence, runs, here, ["dimension", "key"], ["families", "interventions", "value"]
    )
    return {
        "runs": runs,
        "total": total[0] if total else dict.fromkeys(REGION_SUMS, 0),
        "children": child_rows,
        "needs": needs,
        "child_needs": list(child_needs),
        "programmes": programmes,
        "budget": budget,
    }


def dashboard(code: str, year: int) -> dict:
    """Everything the dashboard page shows, labelled."""
    data = region_figures(code, year)
    labels = indicator_labels_for(data["runs"])
    names = dict(
        Region.objects.filter(code__in=[c["region_code"] for c in data["children"]]).values_list(
            "code", "name"
        )
    )
    for row in data["children"]:
        row["name"] = names.get(row["region_code"], "")
    for row in data["needs"]:
        row["label"] = labels.get(row["indicator"], row["indicator"])
        row["uncovered"] = row["target_deprived"] - row["target_covered"]
        row["share"] = (
            row["target_covered"] / row["target_deprived"] if row["target_deprived"] else None
        )
    matrix: dict[str, dict] = defaultdict(dict)
    for row in data["child_needs"]:
        matrix[row["region_code"]][row["indicator"]] = row
    data["need_matrix"] = [
        {
            "code": child["region_code"],
            "name": child["name"],
            "cells": [matrix[child["region_code"]].get(n["indicator"]) for n in data["needs"]],
        }
        for child in data["children"]
    ]
    progs = Programme.objects.in_bulk([p["programme_id"] for p in data["programmes"]])
    for row in data["programmes"]:
        row["programme"] = progs.get(row["programme_id"])
    data["budget_by"] = _budget_labelled(data["budget"] + _planned_budget(code, year))
    data["labels"] = labels
    return data


def _planned_budget(code: str, year: int) -> list[dict]:
    """Budget of the programmes running in ``year`` that can reach ``code``, per dimension
    (a programme's budget is not split by region: it counts wholly for each region it can
    reach)."""
    sums: dict[tuple[str, str], float] = defaultdict(float)
    programmes = programmes_for(code).filter(year_start__lte=year, year_end__gte=year)
    for p in programmes.only("strategy", "sector", "funding_source", "stage",
                             "organisation_id", "budget"):
        for dim in ("strategy", "sector", "funding_source", "stage", "organisation_id"):
            sums[(dim, str(getattr(p, dim) or ""))] += float(p.budget)
    return [{"dimension": d, "key": k, "planned": v} for (d, k), v in sums.items()]


def _budget_labelled(rows: list[dict]) -> dict[str, list[dict]]:
    from konvergen.organisations.models import Organisation
    from konvergen.programs.models import Funding, Sector, Stage, Strategy

    choices: dict[str, dict] = {
        "strategy": dict(Strategy.choices),
        "sector": dict(Sector.choices),
        "funding_source": dict(Funding.choices),
        "stage": dict(Stage.choices),
    }
    org_ids = [int(r["key"]) for r in rows if r["dimension"] == "organisation_id" and r["key"]]
    choices["organisation_id"] = {
        str(pk): str(o) for pk, o in Organisation.objects.in_bulk(org_ids).items()
    }
    merged: dict[tuple[str, str], dict] = {}
    for row in rows:
        into = merged.setdefault(
            (row["dimension"], row["key"]),
            {"dimension": row["dimension"], "key": row["key"], "value": 0.0, "planned": 0.0,
             "families": 0, "interventions": 0},
        )
        for name in ("value", "planned", "families", "interventions"):
            into[name] += row.get(name) or 0
    out: dict[str, list[dict]] = defaultdict(list)
    for row in merged.values():
        row["label"] = choices.get(row["dimension"], {}).get(row["key"], row["key"])
        out[row["dimension"]].append(row)
    return dict(out)


def indicator_labels_for(runs) -> dict[str, str]:
    """Indicator code -> name in the current language (the welfare runs' own names first,
    the default indicator set for codes no run names)."""
    from konvergen.welfare.models import WelfareRun

    english = (get_language() or "id").startswith("en")
    labels = {i.code: i.name_en if english else i.name_id for i in DEFAULT_INDICATORS}
    for wrun in WelfareRun.objects.filter(snapshot_id__in=[r.snapshot_id for r in runs]):
        for i in wrun.indicators:
            labels[i["code"]] = i["name_en"] if english else i["name_id"]
    return labels


def worklist(*, code: str, year: int, need: str | None = None, target_only: bool = True):
    """Families of ``code`` (and below) with a need no received programme addresses —
    ``need`` one indicator code, or any need. Family and desa preloaded."""
    runs = runs_for(code, year)
    rows = FamilyConvergence.objects.filter(run__in=runs).filter(
        region_code__startswith=code
    )
    if target_only:
        rows = rows.filter(target=True)
    if need:
        masks = [
            1 << r.config["need_codes"].index(need)
            for r in runs
            if need in r.config.get("need_codes", [])
        ]
        if not masks:
            return FamilyConvergence.objects.none(), runs
        rows = rows.annotate(gap=F("gaps").bitand(masks[0])).filter(gap__gt=0)
    else:
        rows = rows.exclude(gaps=0)
    rows = rows.select_related("family").order_by("region_code", "family__address", "family_id")
    return rows, runs


def need_labels_of(mask: int, codes: list[str], labels: dict[str, str]) -> list[str]:
    return [labels.get(c, c) for n, c in enumerate(codes) if mask >> n & 1]


def status_label(status: int) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return ""


# --- Personal data, redacted for the user (``access.redaction``) ----------------------------

#: How a worklist row is redacted: the head's name and NIK masked, No KK and address hidden.
WORKLIST_REDACTION = {"head": "name", "nik": "nik", "kk": "hide", "address": "address"}


def suppression_k(user, code: str, year: int) -> int:
    """The small-cell threshold of ``code``'s figures for ``user``: ``0`` (nothing hidden)
    where the user may see personal data there, else the region's k (counts of 1 … k-1
    families are hidden)."""
    from konvergen.welfare.services import small_cell_k

    return 0 if access.redaction(user, code).visible else small_cell_k(code, year)


def worklist_rows(rows, runs, labels: dict[str, str], redaction: "access.Redaction"):
    """The worklist's rows (page or export) for the template or the sheet, the head's name
    and numbers and the address redacted with ``redaction`` (a lazy iterator)."""
    codes = {r.pk: r.config.get("need_codes", []) for r in runs}
    desa: dict[str, str] = {}
    for item in rows:
        family = item.family
        if item.region_code not in desa:
            desa[item.region_code] = (
                Region.objects.filter(code=item.region_code).values_list("name", flat=True).first()
                or ""
            )
        yield redaction.row({
            "family": family,
            "source_id": family.source_id,
            "kk": family.kk_number,
            "head": family.head_name,
            "nik": family.head_nik,
            "address": family.address,
            "desa_code": item.region_code,
            "desa": desa[item.region_code],
            "desil": item.desil,
            "status": status_label(item.status),
            "unmet": ", ".join(need_labels_of(item.gaps, codes[item.run_id], labels)),
            "programmes": item.programmes,
            "stage": item.stage,
        }, WORKLIST_REDACTION)


# --- reads of the index and worklist pages ---------------------------------------------------

def index_regions(user):
    """The regions the convergence index lists for the user: the provinces for a user of
    the whole country, else the user's own regions (a queryset by code)."""
    if access.is_country_wide(user, feature="convergence"):
        return Region.objects.filter(level=1).order_by("code")
    return Region.objects.filter(
        code__in=access.display_scopes(user, feature="convergence")).order_by("code")


def worklist_total(rows) -> int:
    """How many families a worklist holds."""
    return rows.count()


def worklist_selected(rows, family_ids):
    """The worklist's rows of the ticked families."""
    return rows.filter(family_id__in=family_ids)


def plan_programmes(user, code: str, need: str | None) -> list[Programme]:
    """Programmes addressing ``need`` that can reach ``code`` and that the user manages
    (an officer: their organisation's; the secretariat: every one of its region)."""
    if not need or not access.has_feature(user, "programmes_manage"):
        return []
    candidates = (
        access.visible(user, programmes_for(code), feature="programmes_manage",
                       region_field="region__code")
        .select_related("organisation")
        .order_by("code")
    )
    out = []
    for programme in candidates:
        if need not in (programme.needs or []):
            continue
        orgs = access.programme_organisations(user, programme.region_id)
        if orgs is None or programme.organisation_id in orgs:
            out.append(programme)
    return out
