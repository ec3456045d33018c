"""The default outline of an LP2KD: chapters, sections and blocks, in the report's language.

It follows the structure Permendagri 53/2020 asks of the regional report: introduction;
general conditions and poverty profile; policies and strategies; implementation of
programmes by strategy and agency; convergence on the targets; the TKPK's institutions and
governance; problems, recommendations and closing; annexes. Texts are starting points the
secretariat rewrites; ``{region}`` and ``{year}`` are filled in when the report is generated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from konvergen.reports.models import BlockKind


@dataclass(frozen=True)
class BlockSpec:
    kind: str
    generator: str = ""
    text: object = ""  # a lazy translation for narrative text
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SectionSpec:
    title: object
    blocks: tuple[BlockSpec, ...]


@dataclass(frozen=True)
class ChapterSpec:
    title: object
    sections: tuple[SectionSpec, ...]
    annex: bool = False


def text(value) -> BlockSpec:
    return BlockSpec(kind=BlockKind.NARRATIVE, text=value)


def table(name: str, **params) -> BlockSpec:
    return BlockSpec(kind=BlockKind.TABLE, generator=name, params=params)


def indicators(*codes: str) -> BlockSpec:
    return BlockSpec(kind=BlockKind.INDICATOR_TABLE, generator="indicators",
                     params={"codes": list(codes)})


def chart(name: str, **params) -> BlockSpec:
    return BlockSpec(kind=BlockKind.CHART, generator=name, params=params)


def map_(name: str, **params) -> BlockSpec:
    return BlockSpec(kind=BlockKind.MAP, generator=name, params=params)


def section(title, *blocks: BlockSpec) -> SectionSpec:
    return SectionSpec(title=title, blocks=blocks)


BACKGROUND = _(
    "Poverty alleviation in {region} is coordinated by the Regional Poverty Alleviation "
    "Coordination Team (TKPK). This report sets out how poverty alleviation was carried out "
    "in {year}: the poverty conditions of the region, the policies and strategies chosen, the "
    "programmes and activities of the regional agencies and their partners, how far these "
    "programmes converged on the same target families, and how the TKPK coordinated the work."
    "\n\n"
    "Every figure in this report is taken from the region's own data in Konvergen — the "
    "target register, the official statistics, the agencies' action plans and quarterly "
    "reports and the convergence of programmes — and is shown with its source and the date "
    "the figures refer to.")
LEGAL_BASIS = _(
    "1. Law No. 23 of 2014 on Regional Government;\n\n"
    "2. Law No. 13 of 2011 on the Handling of the Poor;\n\n"
    "3. Presidential Regulation No. 15 of 2010 on the Acceleration of Poverty Alleviation, as "
    "amended by Presidential Regulation No. 96 of 2015;\n\n"
    "4. Presidential Instruction No. 4 of 2022 on the Acceleration of the Elimination of "
    "Extreme Poverty;\n\n"
    "5. Minister of Home Affairs Regulation No. 53 of 2020 on the Working Procedures, the "
    "Alignment of Work and the Development of the Institutions and Human Resources of the "
    "Provincial and Regency/City Poverty Alleviation Coordination Teams;\n\n"
    "6. The Regional Medium-Term Development Plan (RPJMD) of {region}.")
PURPOSE = _(
    "This report accounts for the implementation of poverty alleviation in {region} in {year} "
    "to the regional head and, through the governor, to the Minister of Home Affairs, and is "
    "the basis for planning poverty alleviation in the following year.")
STRUCTURE = _(
    "Chapter I introduces the report. Chapter II describes the general conditions and the "
    "poverty profile of the region. Chapter III sets out the policies and strategies. Chapter "
    "IV reports the implementation of programmes and activities by strategy and organisation. "
    "Chapter V reports the convergence of the programmes on the target families. Chapter VI "
    "describes the institutions and governance of the TKPK. Chapter VII sets out the "
    "problems, recommendations and closing. The annexes hold the detailed tables.")
GENERAL = _(
    "{region} is divided into the kecamatan, desa and kelurahan counted below. [Describe the "
    "geography, population and economy of the region.]")
POVERTY = _(
    "The table and figure below show the poverty headcount (P0), the poverty gap (P1) and "
    "severity (P2) indices, the number of poor people and the poverty line published by BPS, "
    "against the targets of the region's plan documents.")
EXTREME = _(
    "Extreme poverty is measured against USD 1.90 PPP (2011) a day; the national target is "
    "to eliminate it. The target register identifies the families in extreme poverty by name "
    "and address; below they are counted by welfare status.")
DESIL = _(
    "Families of the target register by the national welfare decile (desil) assigned by BPS; "
    "desil 1 is the poorest tenth. Social assistance usually targets desil 1–4 and "
    "extreme-poverty programmes desil 1.")
POLICY = _(
    "The poverty alleviation policy of {region} in {year} follows the RPJMD and the regional "
    "poverty alleviation plan (RPKD), and the national direction to eliminate extreme poverty "
    "and to reduce poverty to 4.5 % by 2029. [Describe the regional policy direction.]")
STRATEGIES = _(
    "The programmes are grouped by the national strategies: reducing the expenditure burden "
    "of poor families; raising their income and capability; developing and sustaining micro "
    "and small enterprises; synergising policies and programmes; and, for extreme poverty, "
    "reducing pockets of poverty.")
TAGS = _(
    "Spending on extreme poverty is tagged direct (langsung), indirect (tidak langsung) or "
    "supporting (penunjang), as the fiscal incentive for extreme poverty assesses it.")
PARTNERS = _(
    "Partners outside the regional budget — businesses (CSR), BAZNAS, universities, community "
    "organisations, media, regional enterprises and cooperatives — run their own programmes "
    "for the same target families.")
CONVERGENCE = _(
    "Convergence means that the programmes of every agency and partner reach the same target "
    "families, by name and address, according to what each family lacks. The figures below "
    "compare the needs of the target families with the help they received in {year}.")
STAGES = _(
    "Help is meant to lead families from social assistance (charity) through individual and "
    "group empowerment to graduation out of poverty.")
INSTITUTION = _(
    "[The decree (SK) establishing the TKPK of {region}, its chair, secretariat and working "
    "groups.] The organisations taking part in the coordination are counted below.")
MEETINGS = _(
    "The TKPK of {region} held the meetings listed below in {year}: coordination meetings "
    "(rakor), plenary meetings, technical or working-group meetings and evaluation meetings, "
    "with their main decisions. The organisations report their realisation every quarter; "
    "the last table shows who reported on time.")
MUSDES = _(
    "The target register is verified in village deliberations (musdes/muskel): villages "
    "propose new families, corrections and deactivations, the social affairs agency validates "
    "them and the TKPK ratifies them.")
SCORECARD = _(
    "The organisations are scored on their output and budget realisation, their timely "
    "reports and whether their programmes reach the target families.")
PROBLEMS = _("[Summarise the main problems met in {year}.]")
RECOMMENDATIONS = _(
    "[Recommendations for {year_next}.] The needs of the target families most often left "
    "uncovered point to where programmes should go next.")
CLOSING = _(
    "This report has been prepared by the TKPK of {region} as an account of poverty "
    "alleviation in {year}. We thank every agency, partner and village that took part.")

DEFAULT: tuple[ChapterSpec, ...] = (
    ChapterSpec(pgettext_lazy("outline", "INTRODUCTION"), (
        section(pgettext_lazy("outline", "Background"), text(BACKGROUND)),
        section(pgettext_lazy("outline", "Legal basis"), text(LEGAL_BASIS)),
        section(pgettext_lazy("outline", "Purpose and objectives"), text(PURPOSE)),
        section(pgettext_lazy("outline", "Data sources"), table("data_sources")),
        section(pgettext_lazy("outline", "Structure of the report"), text(STRUCTURE)),
    )),
    ChapterSpec(pgettext_lazy("outline", "GENERAL CONDITIONS AND POVERTY PROFILE"), (
        section(pgettext_lazy("outline", "General conditions of the region"),
                text(GENERAL), table("region_profile")),
        section(pgettext_lazy("outline", "Poverty level (P0, P1, P2)"), text(POVERTY),
                indicators("p0", "p1", "p2", "poor_persons", "poverty_line"),
                chart("indicator_trend", code="p0")),
        section(pgettext_lazy("outline", "Extreme poverty"),
                text(EXTREME), indicators("extreme_poverty"),
                table("register_by_status")),
        section(pgettext_lazy("outline", "Targets and trajectory"),
                table("target_trajectory", code="p0")),
        section(pgettext_lazy("outline", "Comparison with the province and the country"),
                chart("indicator_comparison", codes=["p0", "extreme_poverty"])),
        section(pgettext_lazy("outline", "Target register by desil"),
                text(DESIL), table("register_by_desil"),
                chart("desil_chart")),
        section(pgettext_lazy("outline", "Target register by kecamatan"),
                table("register_by_kecamatan"),
                map_("poverty_map")),
    )),
    ChapterSpec(pgettext_lazy("outline", "POLICIES AND STRATEGIES"), (
        section(pgettext_lazy("outline", "Policy direction"), text(POLICY)),
        section(pgettext_lazy("outline", "Plan documents and targets"), table("plan_documents")),
        section(pgettext_lazy("outline", "Poverty alleviation strategies"),
                text(STRATEGIES), table("strategy_budget")),
    )),
    ChapterSpec(pgettext_lazy("outline", "IMPLEMENTATION OF PROGRAMMES AND ACTIVITIES"), (
        section(pgettext_lazy("outline", "Plan and realisation by strategy and organisation"),
                table("plans_by_strategy_and_agency"), chart("strategy_chart")),
        section(pgettext_lazy("outline", "Expenditure tags"),
                text(TAGS), table("plans_by_expenditure_tag")),
        section(pgettext_lazy("outline", "Funding sources"), table("plans_by_funding_source")),
        section(pgettext_lazy("outline", "Partners outside the APBD"),
                text(PARTNERS), table("partners_non_apbd")),
    )),
    ChapterSpec(pgettext_lazy("outline", "CONVERGENCE ON THE TARGETS"), (
        section(pgettext_lazy("outline", "Convergence achieved"),
                text(CONVERGENCE), table("convergence_totals")),
        section(pgettext_lazy("outline", "Coverage of needs"), table("convergence_by_need")),
        section(pgettext_lazy("outline", "Convergence by kecamatan"),
                table("convergence_by_kecamatan")),
        section(pgettext_lazy("outline", "Stages of help"), text(STAGES), chart("stage_chart")),
    )),
    ChapterSpec(pgettext_lazy("outline", "INSTITUTIONS AND GOVERNANCE OF THE TKPK"), (
        section(pgettext_lazy("outline", "The TKPK and its members"),
                text(INSTITUTION), table("stakeholders")),
        section(pgettext_lazy("outline", "Coordination meetings and reporting"), text(MEETINGS),
                table("meetings_held"), table("reporting_compliance")),
        section(pgettext_lazy("outline", "Village deliberations and data verification"),
                text(MUSDES),
                table("musdes_cycles")),
        section(pgettext_lazy("outline", "Performance of the organisations"), text(SCORECARD),
                table("agency_scorecard")),
    )),
    ChapterSpec(pgettext_lazy("outline", "PROBLEMS, RECOMMENDATIONS AND CLOSING"), (
        section(pgettext_lazy("outline", "Problems"), text(PROBLEMS), table("plans_obstacles")),
        section(pgettext_lazy("outline", "Recommendations"),
                text(RECOMMENDATIONS), table("convergence_gaps")),
        section(pgettext_lazy("outline", "Closing"), text(CLOSING)),
    )),
    ChapterSpec(pgettext_lazy("outline", "SUPPORTING TABLES"), (
        section(pgettext_lazy("outline", "Target register by desa/kelurahan"),
                table("register_by_desa")),
        section(pgettext_lazy("outline", "Programmes and the families they reach"),
                table("convergence_programmes")),
        section(pgettext_lazy("outline", "Action plans by organisation"), table("plans_by_agency")),
    ), annex=True),
)


def fill(value: str, *, region_name: str, year: int) -> str:
    """Replace the placeholders of a narrative (only these: the text is the secretariat's)."""
    return (value.replace("{region}", region_name).replace("{year_next}", str(year + 1))
            .replace("{year}", str(year)))
