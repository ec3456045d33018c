"""Parameters of a synthetic region: sizes, calibration targets and list error rates."""

import datetime as dt
from dataclasses import asdict, dataclass, field, fields, replace

#: Error kinds injected into beneficiary lists, in the order they are applied.
ERROR_KINDS = (
    "not_in_register",   # a real person of the region who is not in the register
    "missing_nik",       # NIK empty (or "-", "0")
    "mistyped_nik",      # one digit substituted or two adjacent digits transposed
    "other_member_nik",  # the NIK of another member of the same family
    "name_variant",      # Muhammad/Moh./M., dropped or abbreviated names, old spelling, typo
    "title",             # Bapak/Ibu/H./Hj./Ny. before the name
    "swapped_date",      # birth day and month swapped (only possible when day <= 12)
    "old_kk",            # the family's previous KK number
    "moved",             # the family's previous address/desa (moved since)
    "duplicate",         # the same person listed twice (the second row carries the kind)
)


@dataclass(frozen=True)
class ErrorRates:
    """Share of list rows that get each error kind (independent draws; the three NIK kinds
    are mutually exclusive). Defaults follow what agency lists typically show."""

    not_in_register: float = 0.07
    missing_nik: float = 0.10
    mistyped_nik: float = 0.03
    other_member_nik: float = 0.02
    name_variant: float = 0.15
    title: float = 0.0
    swapped_date: float = 0.03
    old_kk: float = 0.05
    moved: float = 0.02
    duplicate: float = 0.015

    def with_overrides(self, overrides: dict[str, float]) -> "ErrorRates":
        unknown = set(overrides) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown error kinds: {', '.join(sorted(unknown))}")
        for kind, rate in overrides.items():
            if not 0.0 <= rate <= 0.9:
                raise ValueError(f"error rate {kind}={rate} outside 0..0.9")
        return replace(self, **overrides)

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class DtsenNoise:
    """Shares of families or persons that differ between P3KE and DTSEN (each 0 to 0.5).

    ``kk_changed``: families whose KK number DTSEN has renewed (split, new card);
    ``nik_typo``: members whose NIK DTSEN has with one typo; ``family_missing``: families
    not in DTSEN at all; ``desil_changed``: families whose DTSEN desil is one off.
    """

    kk_changed: float = 0.01
    nik_typo: float = 0.003
    family_missing: float = 0.005
    desil_changed: float = 0.2

    def __post_init__(self):
        for f in fields(self):
            rate = getattr(self, f.name)
            if not 0.0 <= rate <= 0.5:
                raise ValueError(f"DTSEN noise {f.name}={rate} outside 0..0.5")

    @classmethod
    def kinds(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class SynthParams:
    """Everything that determines the output besides the desa table.

    ``families`` is the number of families (households) simulated in the region; the
    register holds the poorer part of them (``max_desil``), as P3KE does.
    """

    region_code: str
    families: int
    seed: int
    p0_percent: float
    poverty_line: float  # Rp per capita per month
    figures_year: int | None = None
    figures_source: str = "command line"
    layout: str = "dtks"  # "dtks" (P3KE + DTKS detail columns) or "p3ke"
    as_of: dt.date = dt.date(2025, 6, 30)
    max_desil: int = 4
    #: Share of register families taken from desil 5-7 (stale data in real exports).
    register_extra_share: float = 0.02
    #: Global error-rate overrides applied to every list (kind -> rate).
    error_overrides: dict[str, float] = field(default_factory=dict)
    #: Programme list sizes relative to the default (1.0).
    list_scale: float = 1.0
    #: Also write a DTSEN export of the register's families (``engine/dtsen.py``).
    dtsen: bool = False
    dtsen_noise: DtsenNoise = field(default_factory=DtsenNoise)

    def __post_init__(self):
        if self.families < 10:
            raise ValueError("families must be at least 10")
        if not 0.0 < self.p0_percent < 90.0:
            raise ValueError("p0_percent must be between 0 and 90")
        if self.poverty_line <= 0:
            raise ValueError("poverty_line must be positive")
        if self.layout not in ("dtks", "p3ke"):
            raise ValueError("layout must be 'dtks' or 'p3ke'")
        if not 1 <= self.max_desil <= 10:
            raise ValueError("max_desil must be 1..10")
