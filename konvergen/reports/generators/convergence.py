"""Chapter V (and the annex of programmes): convergence of the programmes on the target
families, from the stored convergence runs of the year (``convergence.selectors``). Counts of
1 … k-1 families are left out, as the convergence dashboard does for readers without
personal-data rights: the report is published."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from konvergen.reports.document import Block, Chart, Column, Series, Table
from konvergen.reports.generators import data
from konvergen.reports.generators.base import Context, generator, no_data, share
from konvergen.reports.models import BlockKind


def _missing(ctx: Context) -> list[Block]:
    return no_data(_("The convergence of %(year)s has not been computed for %(region)s yet.")
                   % {"year": ctx.year, "region": ctx.region.name})


def _k(ctx: Context, value):
    return data.suppressed(value, data.small_cell_k(ctx))


@generator("convergence_totals", BlockKind.TABLE, gettext_lazy("Convergence: headline figures"))
def convergence_totals(ctx: Context, params: dict) -> list[Block]:
    conv = data.convergence(ctx)
    if conv is None:
        return _missing(ctx)
    t = conv["total"]
    target = t["target_families"]
    lines = [
        (_("Families in the target register"), t["families"], None),
        (_("Target families"), target, 100.0 if target else None),
        (_("Target families reached by at least one programme"), t["reached_families"],
         share(t["reached_families"], target)),
        (_("Target families no programme reaches"), t["unreached_families"],
         share(t["unreached_families"], target)),
        (_("Target families with every need covered"), t["fully_covered_families"],
         share(t["fully_covered_families"], target)),
        (_("Target families helped twice for the same need (overlap)"),
         t["overlap_families"], share(t["overlap_families"], target)),
        (_("Families outside the target group that received help"), t["nontarget_reached"],
         None),
        (_("Interventions"), t["interventions"], None),
        (_("Value delivered (Rp)"), t["value"], None),
    ]
    # Every line counts families or interventions, but the last is rupiah.
    rows = [[label, _k(ctx, value) if n < len(lines) - 1 else value, pct]
            for n, (label, value, pct) in enumerate(lines)]
    return [Table(
        caption=_("Convergence of the programmes on the target families, %(year)s") % {
            "year": ctx.year},
        columns=[Column(title=pgettext("lp2kd", "Item")),
                 Column(title=pgettext("lp2kd", "Number"), kind="number"),
                 Column(title=_("% of target families"), kind="percent", decimals=1)],
        rows=rows, source=conv["source"], as_of=conv["as_of"])]


def _need_rows(ctx: Context, conv: dict) -> list[dict]:
    rows = []
    for need in conv["needs"]:
        deprived, covered = need["target_deprived"], need["target_covered"]
        rows.append({"label": conv["labels"].get(need["indicator"], need["indicator"]),
                     "deprived": deprived, "covered": covered,
                     "uncovered": deprived - covered, "share": share(covered, deprived)})
    return sorted(rows, key=lambda r: (-r["uncovered"], r["label"]))


def _need_table(ctx: Context, rows: list[dict], caption: str) -> list[Block]:
    conv = data.convergence(ctx)
    assert conv is not None
    return [Table(
        caption=caption,
        columns=[Column(title=_("Need")),
                 Column(title=_("Target families with the need"), kind="number"),
                 Column(title=_("Covered by a programme"), kind="number"),
                 Column(title=_("Not covered"), kind="number"),
                 Column(title=_("% covered"), kind="percent", decimals=1)],
        rows=[[r["label"], _k(ctx, r["deprived"]), _k(ctx, r["covered"]),
               _k(ctx, r["uncovered"]), r["share"]] for r in rows],
        source=conv["source"], as_of=conv["as_of"])]


@generator("convergence_by_need", BlockKind.TABLE, gettext_lazy("Convergence by need"))
def convergence_by_need(ctx: Context, params: dict) -> list[Block]:
    conv = data.convergence(ctx)
    if conv is None:
        return _missing(ctx)
    if not conv["needs"]:
        return no_data(_("No target family has a need recorded."))
    return _need_table(ctx, _need_rows(ctx, conv),
                       _("Needs of the target families and their coverage by programmes"))


@generator("convergence_gaps", BlockKind.TABLE,
           gettext_lazy("The needs most often left uncovered"), limit=5)
def convergence_gaps(ctx: Context, params: dict) -> list[Block]:
    conv = data.convergence(ctx)
    if conv is None:
        return _missing(ctx)
    limit = int(params.get("limit") or 5)
    rows = [r for r in _need_rows(ctx, conv) if r["uncovered"] > 0][:limit]
    if not rows:
        return no_data(_("Every need of the target families is covered by a programme."))
    return _need_table(ctx, rows, _("The %(n)s needs most often left uncovered") % {
        "n": len(rows)})


@generator("convergence_by_kecamatan", BlockKind.TABLE,
           gettext_lazy("Convergence by kecamatan"))
def convergence_by_kecamatan(ctx: Context, params: dict) -> list[Block]:
    conv = data.convergence(ctx)
    if conv is None:
        return _missing(ctx)
    names = data.names(ctx)
    rows = []
    for row in [*conv["children"], {**conv["total"], "region_code": ""}]:
        target = row["target_families"]
        rows.append([names.get(row["region_code"], _("Total")), _k(ctx, target),
                     _k(ctx, row["reached_families"]), _k(ctx, row["unreached_families"]),
                     share(row["reached_families"], target) if _k(ctx, target) else None,
                     _k(ctx, row["overlap_families"])])
    return [Table(
        caption=_("Target families reached and not reached by kecamatan, %(year)s") % {
            "year": ctx.year},
        columns=[Column(title=_("Kecamatan")),
                 Column(title=_("Target families"), kind="number"),
                 Column(title=_("Reached"), kind="number"),
                 Column(title=_("Not reached"), kind="number"),
                 Column(title=_("% reached"), kind="percent", decimals=1),
                 Column(title=_("Overlap"), kind="number")],
        rows=rows, total_row=True, source=conv["source"], as_of=conv["as_of"])]


@generator("stage_chart", BlockKind.CHART, gettext_lazy("Chart: stages of help"))
def stage_chart(ctx: Context, params: dict) -> list[Block]:
    conv = data.convergence(ctx)
    if conv is None:
        return _missing(ctx)
    t = conv["total"]
    stages = [(_("Charity"), t["stage_charity"]),
              (_("Individual empowerment"), t["stage_individual"]),
              (_("Group empowerment"), t["stage_group"]), (_("Graduated"), t["stage_graduated"])]
    return [Chart(
        caption=_("Target families by the highest stage of help received, %(year)s") % {
            "year": ctx.year},
        kind="bar", categories=[label for label, _v in stages],
        series=[Series(name=_("Target families"), values=[_k(ctx, v) for _l, v in stages])],
        y_label=_("families"), source=conv["source"], as_of=conv["as_of"])]


@generator("convergence_programmes", BlockKind.TABLE,
           gettext_lazy("Programmes and the families they reach"))
def convergence_programmes(ctx: Context, params: dict) -> list[Block]:
    from konvergen.programs.models import Funding, Programme

    conv = data.convergence(ctx)
    if conv is None:
        return _missing(ctx)
    programmes = Programme.objects.select_related("organisation").in_bulk(
        [p["programme_id"] for p in conv["programmes"]])
    funding = dict(Funding.choices)
    rows = []
    for row in sorted(conv["programmes"], key=lambda r: (-(r["beneficiaries"] or 0),
                                                         r["programme_id"])):
        programme = programmes.get(row["programme_id"])
        if programme is None:
            continue
        rows.append([programme.name, str(programme.organisation),
                     str(funding.get(programme.funding_source, programme.funding_source)),
                     _k(ctx, row["beneficiaries"]), _k(ctx, row["inclusion_errors"]),
                     row["value"]])
    if not rows:
        return no_data(_("No programme has recorded help to families of %(year)s.") % {
            "year": ctx.year})
    return [Table(
        caption=_("Programmes by the families they reached, %(year)s") % {"year": ctx.year},
        columns=[Column(title=_("Programme")), Column(title=_("Organisation")),
                 Column(title=_("Funding source")),
                 Column(title=_("Families reached"), kind="number"),
                 Column(title=_("Of them outside the eligibility"), kind="number"),
                 Column(title=_("Value delivered (Rp)"), kind="number")],
        rows=rows, source=conv["source"], as_of=conv["as_of"])]
