"""Reads of the agglomerations app: the agglomerations a user may see, and the comparison
of the members of one agglomeration in one year.

Every figure comes from the app that owns it, through its selectors: poverty indicators
and their targets (``targets.selectors.series_many``, one set of queries for all members),
the stored convergence figures (``convergence.selectors.region_figures``, a fixed number of
queries per member), the programmes that can reach a member (``programs.selectors.
programmes_for``, one query per member) and the action-plan items (one aggregate for all
members). Nothing is computed per family.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import access
from konvergen.agglomerations.models import Agglomeration, Member
from konvergen.convergence.selectors import region_figures
from konvergen.plans.models import PlanItem
from konvergen.programs.models import Programme, Sector
from konvergen.programs.selectors import programmes_for
from konvergen.regions.codes import covers, province_of
from konvergen.regions.models import Region
from konvergen.targets.selectors import YearRow, indicator_by_code, series_many

P0, EXTREME = "p0", "extreme_poverty"
#: The stage funnel, in the order of graduation: (convergence total, label).
STAGES = [
    ("stage_charity", _("Charity")),
    ("stage_individual", _("Individual empowerment")),
    ("stage_group", _("Group empowerment")),
    ("stage_graduated", _("Graduated")),
]
#: Figures that add up across members (families live in one region; plans are per kab/kota).
ADDITIVE = ["target_families", "reached_families", "unreached_families",
            *[key for key, _label in STAGES], "leading_families", "leading_value",
            "plan_leading", "plan_total"]


def agglomerations_for(user) -> list[Agglomeration]:
    """The agglomerations the user may read (the archived ones last), their members (with
    regions) loaded."""
    return list(Agglomeration.objects.filter(
        access.agglomerations_q(user, Member.objects.all())).order_by(
        "archived", "name", "id").prefetch_related(
        Prefetch("members", Member.objects.select_related("region").order_by("region_id"))))


def owner_label(agglomeration: Agglomeration, names: dict[str, str]) -> str:
    if not agglomeration.owner_scope:
        return str(_("National (several provinces)"))
    return names.get(agglomeration.owner_scope, agglomeration.owner_scope)


def province_names(agglomerations) -> dict[str, str]:
    codes = {a.owner_scope for a in agglomerations if a.owner_scope}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


@dataclass
class ProgrammeLine:
    """A leading-sector programme that can reach a member."""

    programme: Programme
    #: Registered in the member itself (or below it), not in the province above.
    own: bool
    #: Families of the member it reached in the year (stored convergence figures).
    families: int


@dataclass
class MemberRow:
    member: Member
    region: Region
    leading_label: str
    #: The latest official P0 up to the year, with its target, achievement and status.
    p0: YearRow | None = None
    #: The P0 target set for the year compared (None when none is set).
    p0_target: float | None = None
    extreme: YearRow | None = None
    figures: dict = field(default_factory=dict)
    convergence_as_of: datetime | None = None
    programmes: list[ProgrammeLine] = field(default_factory=list)

    @property
    def programme_count(self) -> int:
        return len(self.programmes)

    @property
    def own_count(self) -> int:
        return sum(1 for p in self.programmes if p.own)

    @property
    def programme_budget(self) -> Decimal:
        return sum((p.programme.budget for p in self.programmes), Decimal(0))

    @property
    def plan_share(self) -> float | None:
        """The leading sector's share of the member's action-plan budget (%)."""
        total = self.figures.get("plan_total") or 0
        return float(self.figures.get("plan_leading") or 0) * 100 / float(total) \
            if total else None


@dataclass
class Comparison:
    agglomeration: Agglomeration
    year: int
    rows: list[MemberRow]
    totals: dict
    #: Labels of the indicators compared, in the user's language ("" when not loaded).
    indicator_names: dict[str, str]

    def chart(self) -> dict:
        """Data for the page's charts (P0 against its target; the stage funnel)."""
        return {
            "labels": [r.region.name for r in self.rows],
            "p0": [r.p0.realised if r.p0 else None for r in self.rows],
            "p0_target": [r.p0_target for r in self.rows],
            "stages": [{"label": str(label), "data": [r.figures.get(key, 0) for r in self.rows]}
                       for key, label in STAGES],
            "names": {"p0": str(_("P0, latest (%)")),
                      "p0_target": str(_("P0 target of the year (%)"))},
        }


def _latest_up_to(series, year: int) -> YearRow | None:
    if series is None:
        return None
    return next((r for r in reversed(series.rows)
                 if r.realised is not None and r.year <= year), None)


def _plan_budgets(codes: list[str], year: int) -> dict[tuple[str, str], Decimal]:
    """{(kab/kota, sector): the annual budget of its action-plan items}, one aggregate."""
    rows = (PlanItem.objects.filter(plan__region_id__in=codes, plan__year=year)
            .values("plan__region_id", "sector").annotate(rp=Sum("target_rp")))
    return {(r["plan__region_id"], r["sector"]): r["rp"] or Decimal(0) for r in rows}


def _leading_programmes(member: Member, year: int, reached: dict[int, int]
                        ) -> list[ProgrammeLine]:
    code = member.region_id
    programmes = (programmes_for(code)
                  .filter(sector=member.leading_sector, year_start__lte=year,
                          year_end__gte=year)
                  .select_related("organisation", "region").order_by("-budget", "name"))
    return [ProgrammeLine(p, own=covers(code, p.region_id),
                          families=reached.get(p.pk, 0)) for p in programmes]


def comparison(agglomeration: Agglomeration, year: int) -> Comparison:
    """One row per member (``agglomeration.members`` prefetched with their regions): P0 and
    extreme poverty against the targets, the convergence figures and stage funnel, the
    leading sector's programmes, budget and families reached, and its share of the
    action plans; with totals of the figures that add up."""
    members = sorted(agglomeration.members.all(), key=lambda m: m.region_id)
    regions = [m.region for m in members]
    codes = [r.code for r in regions]
    labels = dict(Sector.choices)
    inds = [i for i in (indicator_by_code(P0), indicator_by_code(EXTREME)) if i is not None]
    series = series_many(regions, inds) if inds and regions else {}
    by_code = {i.code: i for i in inds}
    plan_rp = _plan_budgets(codes, year)
    plan_total: dict[str, Decimal] = defaultdict(Decimal)
    for (code, _sector), rp in plan_rp.items():
        plan_total[code] += rp
    rows = []
    for member in members:
        row = MemberRow(member, member.region, str(labels.get(member.leading_sector,
                                                              member.leading_sector)))
        if P0 in by_code:
            s = series.get((member.region_id, by_code[P0].pk))
            row.p0 = _latest_up_to(s, year)
            this_year = s.row(year) if s else None
            row.p0_target = this_year.target if this_year else None
        if EXTREME in by_code:
            row.extreme = _latest_up_to(series.get((member.region_id, by_code[EXTREME].pk)),
                                        year)
        data = region_figures(member.region_id, year)
        total = data["total"]
        sector_rows = [b for b in data["budget"]
                       if b["dimension"] == "sector" and b["key"] == member.leading_sector]
        row.figures = {
            **{key: total.get(key) or 0 for key in
               ("target_families", "reached_families", "unreached_families",
                *[k for k, _l in STAGES])},
            "leading_families": sum(b["families"] or 0 for b in sector_rows),
            "leading_interventions": sum(b["interventions"] or 0 for b in sector_rows),
            "leading_value": sum(b["value"] or 0 for b in sector_rows),
            "plan_leading": plan_rp.get((member.region_id, member.leading_sector), Decimal(0)),
            "plan_total": plan_total.get(member.region_id, Decimal(0)),
        }
        row.convergence_as_of = max((r.computed_at for r in data["runs"]), default=None)
        reached = {p["programme_id"]: p["beneficiaries"] or 0 for p in data["programmes"]}
        row.programmes = _leading_programmes(member, year, reached)
        rows.append(row)
    totals = {key: sum(r.figures.get(key) or 0 for r in rows) for key in ADDITIVE}
    language = get_language() or "id"
    return Comparison(agglomeration, year, rows, totals,
                      {code: ind.name(language) for code, ind in by_code.items()})


def agglomeration_for(user, agglomeration_id, *, manage: bool = False):
    """An agglomeration the user may read (``access.agglomerations_q``), or with ``manage``
    change (every member inside the user's management scope), members loaded. Http404
    otherwise, the same as for an agglomeration that does not exist."""
    from django.http import Http404

    agglomeration = access.get_visible(
        Agglomeration.objects.prefetch_related(
            Prefetch("members", Member.objects.select_related("region").order_by("region_id"))),
        access.agglomerations_q(user, Member.objects.all()), agglomeration_id)
    if manage and not access.may_manage_agglomeration(
            user, [m.region_id for m in agglomeration.members.all()]):
        raise Http404(access.NOT_FOUND)
    return agglomeration


def member_region_choices(user) -> list:
    """The kab/kota the user may make members (inside ``access.agglomeration_manage_q``),
    grouped by province: ``[(province name, [(code, label), ...]), ...]``."""
    from konvergen.regions.models import Level

    if not access.agglomeration_manage_scopes(user):
        return []
    kabkota = Region.objects.filter(access.agglomeration_manage_q(user, "code"),
                                    level=Level.KABKOTA, is_active=True).order_by("code")
    provinces = dict(Region.objects.filter(level=Level.PROVINCE).values_list("code", "name"))
    groups: dict[str, list] = {}
    for region in kabkota.only("code", "name"):
        province = province_of(region.code)
        groups.setdefault(provinces.get(province, province), []).append(
            (region.code, f"{region.name} ({region.code})"))
    return list(groups.items())
