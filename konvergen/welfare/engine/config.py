"""The configuration the engine runs with: status rules and the indicator set. No Django.

The defaults below are what a region gets until its secretariat changes them; the sources
behind every default are in ``docs/needs.md``.
"""

from dataclasses import dataclass, field
from typing import Any

#: Welfare status codes stored per family (smallest = poorest; 0 = cannot be classified).
UNKNOWN, EXTREME, POOR, VULNERABLE, NOT_POOR = 0, 1, 2, 3, 4
STATUSES = (EXTREME, POOR, VULNERABLE, NOT_POOR, UNKNOWN)
STATUS_KEYS = {
    EXTREME: "extreme",
    POOR: "poor",
    VULNERABLE: "vulnerable",
    NOT_POOR: "not_poor",
    UNKNOWN: "unknown",
}

METHOD_DESIL = "desil"
METHOD_CONSUMPTION = "consumption"

#: Need dimensions (the issue's list of what a family can lack).
DIMENSIONS = (
    "food",
    "water",
    "sanitation",
    "health",
    "education",
    "information",
    "housing",
    "electricity",
    "income_work",
)

#: Days per month used to turn a monthly per-capita expenditure into a daily amount.
DAYS_PER_MONTH = 365 / 12

ERR_WEIGHTS = "active indicator weights must sum to 1"
ERR_NO_INDICATORS = "at least one indicator must be active"
ERR_TOO_MANY = "at most 63 indicators fit the stored bitmask"
ERR_DUPLICATE_CODE = "indicator codes must be unique"
ERR_DESIL_ORDER = "desil cut-offs must satisfy extreme <= poor <= vulnerable"
ERR_LINES = "the consumption method needs a poverty line and an extreme-poverty line"
ERR_LINE_ORDER = "the extreme-poverty line must not exceed the poverty line"
ERR_K = "the MPI cut-off k must lie in (0, 1]"


@dataclass(frozen=True)
class StatusRules:
    """How a family's welfare status is decided.

    ``method`` "desil": desil <= ``desil_extreme`` is extreme poor, <= ``desil_poor`` poor,
    <= ``desil_vulnerable`` vulnerable, above not poor. "consumption": the monthly per-capita
    expenditure, as Rp per person per day, against ``extreme_line_day`` and
    ``poverty_line_day`` (vulnerable below ``vulnerable_factor`` times the poverty line);
    families without an expenditure figure fall back to their desil. The poverty line (when
    given) is also what FGT P0/P1/P2 are measured against, whatever the method.
    """

    method: str = METHOD_DESIL
    desil_extreme: int = 1
    desil_poor: int = 2
    desil_vulnerable: int = 4
    poverty_line_day: float | None = None
    extreme_line_day: float | None = None
    vulnerable_factor: float = 1.5
    mpi_k: float = 1 / 3

    def validate(self) -> None:
        if not (1 <= self.desil_extreme <= self.desil_poor <= self.desil_vulnerable <= 10):
            raise ValueError(ERR_DESIL_ORDER)
        if self.method == METHOD_CONSUMPTION and (
            not self.poverty_line_day or not self.extreme_line_day
        ):
            raise ValueError(ERR_LINES)
        if (
            self.poverty_line_day
            and self.extreme_line_day
            and self.extreme_line_day > self.poverty_line_day
        ):
            raise ValueError(ERR_LINE_ORDER)
        if not (0 < self.mpi_k <= 1):
            raise ValueError(ERR_K)


@dataclass(frozen=True)
class Indicator:
    """One need (deprivation) indicator: ``rule`` names a builder in ``rules.RULES``."""

    code: str
    name_id: str
    name_en: str
    dimension: str
    rule: str
    params: dict[str, Any] = field(default_factory=dict)
    weight: float = 0.0
    active: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_id": self.name_id,
            "name_en": self.name_en,
            "dimension": self.dimension,
            "rule": self.rule,
            "params": dict(self.params),
            "weight": self.weight,
            "active": self.active,
        }


def validate_indicators(indicators: list[Indicator]) -> list[Indicator]:
    """The active indicators, checked: unique codes, at most 63, weights summing to 1."""
    active = [i for i in indicators if i.active]
    if not active:
        raise ValueError(ERR_NO_INDICATORS)
    if len(active) > 63:
        raise ValueError(ERR_TOO_MANY)
    if len({i.code for i in active}) != len(active):
        raise ValueError(ERR_DUPLICATE_CODE)
    if abs(sum(i.weight for i in active) - 1) > 1e-6:
        raise ValueError(ERR_WEIGHTS)
    return active


# --- Defaults ----------------------------------------------------------------------------
# Four equally weighted groups, nested as in the global MPI (each group 1/4, split equally
# among its indicators): health, education, living standards, income and work.
_H, _E, _L, _W = 1 / 12, 1 / 8, 1 / 20, 1 / 8

#: Codes of completed primary school or more (canonical ``education`` codes).
PRIMARY_OR_MORE = ["sd", "smp", "sma", "d1_d2", "d3", "d4_s1", "s2", "s3"]

DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "water",
        "Sumber air minum tidak layak",
        "Unimproved drinking-water source",
        "water",
        "family_code_in",
        {
            "field": "water_source",
            "codes": [
                "sumur_tak_terlindung",
                "mata_air_tak_terlindung",
                "air_permukaan",
            ],
        },
        _L,
    ),
    Indicator(
        "sanitation",
        "Tidak punya jamban sendiri/layak",
        "No own or improved toilet",
        "sanitation",
        "sanitation",
        {"facility": ["tidak_ada", "umum"], "type": ["cemplung_cubluk", "tidak_pakai"]},
        _L,
    ),
    Indicator(
        "housing",
        "Rumah tidak layak huni",
        "Inadequate housing",
        "housing",
        "housing",
        {
            "floor": ["tanah", "bambu"],
            "wall": ["anyaman_bambu", "batang_kayu", "bambu", "lainnya"],
            "roof": ["jerami_ijuk_rumbia", "bambu", "lainnya"],
            "min_m2_per_person": 8,
        },
        _L,
    ),
    Indicator(
        "electricity",
        "Tanpa listrik PLN",
        "No electricity or non-PLN lighting",
        "electricity",
        "family_code_in",
        {"field": "lighting_source", "codes": ["listrik_non_pln", "bukan_listrik"]},
        _L,
    ),
    Indicator(
        "cooking_fuel",
        "Memasak dengan kayu bakar/arang",
        "Cooking with firewood or charcoal",
        "housing",
        "family_code_in",
        {"field": "cooking_fuel", "codes": ["kayu_bakar", "arang"]},
        _L,
    ),
    Indicator(
        "school_attendance",
        "Anak usia sekolah tidak sekolah",
        "School-age child not in school",
        "education",
        "member_code_in",
        {
            "field": "school_participation",
            "codes": ["tidak_belum_pernah", "tidak_sekolah_lagi"],
            "min_age": 7,
            "max_age": 18,
        },
        _E,
    ),
    Indicator(
        "schooling",
        "Tak ada dewasa tamat SD",
        "No adult completed primary school",
        "education",
        "no_member_code_in",
        {"field": "education", "codes": PRIMARY_OR_MORE, "min_age": 15},
        _E,
    ),
    Indicator(
        "health_insurance",
        "Tanpa jaminan kesehatan",
        "No health insurance",
        "health",
        "member_code_in",
        {"field": "health_insurance", "codes": ["tidak_ada"]},
        _H,
    ),
    Indicator(
        "care",
        "Disabilitas/penyakit kronis tanpa jaminan",
        "Disability or chronic illness without care",
        "health",
        "condition_without_cover",
        {"no_cover": ["tidak_ada"]},
        _H,
    ),
    Indicator(
        "stunting",
        "Berisiko stunting",
        "Stunting risk",
        "food",
        "family_flag",
        {"field": "stunting_risk", "value": True},
        _H,
    ),
    Indicator(
        "savings",
        "Tanpa tabungan atau aset",
        "No savings or assets",
        "income_work",
        "family_flag",
        {"field": "has_savings", "value": False},
        _W,
    ),
    Indicator(
        "head_work",
        "Kepala keluarga tidak bekerja",
        "Head of family without work",
        "income_work",
        "head_text_in",
        {
            "field": "occupation",
            "words": [
                "belum/tidak bekerja",
                "tidak bekerja",
                "belum bekerja",
                "tidak/belum bekerja",
                "menganggur",
                "pengangguran",
            ],
        },
        _W,
    ),
)
