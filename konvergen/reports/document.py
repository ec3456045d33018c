"""The report document model: what a report says, independent of the format it is rendered in.

A :class:`Document` (the LP2KD of one region and year, say) holds chapters, a chapter holds
sections, and a section holds blocks: :class:`Narrative` text, :class:`Table`, :class:`Chart`,
:class:`Map` and :class:`Note`. Every block that shows numbers names its source and the date
the numbers were taken (``as_of``); the renderers print it under the block as
"Sumber: … (per dd-mm-yyyy)", so no figure reaches a reader without its provenance.

Formatting that both renderers share lives here too: Indonesian numbers (``1.234.567,89``),
the source line, chapter numerals ("BAB II") and the per-chapter numbering of tables and
figures ("Tabel 2.1", "Gambar 2.3").

Examples
--------
>>> from datetime import date
>>> format_number(1234567.891, decimals=2)
'1.234.567,89'
>>> source_line("BPS Kabupaten Bandung", date(2024, 3, 31))
'Sumber: BPS Kabupaten Bandung (per 31-03-2024)'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any, Literal

Language = Literal["id", "en"]

#: Error messages, named so tests and callers can match on them.
ERROR_NO_SOURCE = "A block that shows numbers needs a source and an as-of date."
ERROR_ROW_WIDTH = "Table row {row} has {got} cells; the table has {expected} columns."
ERROR_CELL_TYPE = "Table row {row}, column {column!r}: {value!r} is not a number."
ERROR_SERIES_LENGTH = "Series {name!r} has {got} values; the chart has {expected} categories."
ERROR_CHART_KIND = "Chart kind must be 'line' or 'bar', not {kind!r}."
ERROR_NO_SERIES = "A chart needs at least one series."
ERROR_BREAKS = "Legend breaks must be strictly ascending."
ERROR_EMPTY_NOTE = "A note needs text or a source."
ERROR_GEOMETRY = "Unsupported GeoJSON geometry type {kind!r}."


@dataclass(frozen=True)
class Labels:
    """The fixed words a rendered report uses, in one language."""

    chapter: str
    contents: str
    table: str
    figure: str
    source: str
    as_of: str
    note: str
    year: str
    draft_mark: str
    draft_banner: str
    no_data: str
    decimal_mark: str
    thousands_mark: str
    annex: str
    annex_mark: str


LABELS: dict[Language, Labels] = {
    "id": Labels(
        chapter="BAB",
        contents="DAFTAR ISI",
        table="Tabel",
        figure="Gambar",
        source="Sumber",
        as_of="per",
        note="Catatan",
        year="Tahun",
        draft_mark="DRAFT",
        draft_banner="DRAFT — belum disahkan, jangan dikutip",
        no_data="Tidak ada data",
        decimal_mark=",",
        thousands_mark=".",
        annex="LAMPIRAN",
        annex_mark="L",
    ),
    "en": Labels(
        chapter="CHAPTER",
        contents="CONTENTS",
        table="Table",
        figure="Figure",
        source="Source",
        as_of="as of",
        note="Note",
        year="Year",
        draft_mark="DRAFT",
        draft_banner="DRAFT — not approved, do not cite",
        no_data="No data",
        decimal_mark=".",
        thousands_mark=",",
        annex="ANNEX",
        annex_mark="A",
    ),
}

#: How a missing number is shown: BPS's sign for "data not available".
MISSING = "..."

Number = int | float | Decimal


def format_number(value: Number | None, *, decimals: int = 0, language: Language = "id") -> str:
    """Format a number the way the report's language writes it, rounding half up.

    Indonesian groups thousands with ``.`` and marks decimals with ``,``. Rounding is half
    up on the decimal digits as written (as BPS publishes), not banker's rounding on the
    binary float. ``None`` and NaN give :data:`MISSING`.

    Examples
    --------
    >>> format_number(1234567.891, decimals=2)
    '1.234.567,89'
    >>> format_number(2.5)
    '3'
    >>> format_number(-1234.5, decimals=1, language="en")
    '-1,234.5'
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    labels = LABELS[language]
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    text = f"{rounded:,.{decimals}f}"  # "1,234,567.89"
    return text.translate(str.maketrans(",.", labels.thousands_mark + labels.decimal_mark))


def format_date(day: date) -> str:
    """``dd-mm-yyyy``, the form the source line uses in both languages."""
    return day.strftime("%d-%m-%Y")


def source_line(source: str, as_of: date, language: Language = "id") -> str:
    """The line printed under every table, chart and map: "Sumber: BPS (per 31-03-2024)"."""
    labels = LABELS[language]
    return f"{labels.source}: {source} ({labels.as_of} {format_date(as_of)})"


def roman(number: int) -> str:
    """Upper-case Roman numeral, as chapters are numbered ("BAB IV")."""
    if number <= 0:
        raise ValueError(f"Chapter numbers start at 1, not {number}.")
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for amount, numeral in numerals:
        count, number = divmod(number, amount)
        out.append(numeral * count)
    return "".join(out)


def _require_source(source: str, as_of: date | None) -> None:
    if not source.strip() or as_of is None:
        raise ValueError(ERROR_NO_SOURCE)


# --- Blocks -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Narrative:
    """Running text: one string per paragraph."""

    paragraphs: Sequence[str]


@dataclass(frozen=True, kw_only=True)
class Note:
    """A small-print note under the text, with the source of the numbers it quotes, if any."""

    text: str = ""
    source: str = ""
    as_of: date | None = None

    def __post_init__(self) -> None:
        if not self.text.strip() and not self.source.strip():
            raise ValueError(ERROR_EMPTY_NOTE)
        if self.source.strip() or self.as_of is not None:
            _require_source(self.source, self.as_of)


@dataclass(frozen=True, kw_only=True)
class Column:
    """A table column. ``number`` and ``percent`` columns are right aligned and formatted
    with ``decimals``; a ``percent`` cell holds percentage points (9.36 is "9,36%")."""

    title: str
    kind: Literal["text", "number", "percent"] = "text"
    decimals: int = 0

    @property
    def numeric(self) -> bool:
        return self.kind != "text"

    def format(self, value: Cell, language: Language = "id") -> str:
        if not self.numeric:
            return "" if value is None else str(value)
        if isinstance(value, str):  # rejected by Table; kept total for direct callers
            return value
        text = format_number(value, decimals=self.decimals, language=language)
        return f"{text}%" if self.kind == "percent" and value is not None else text


Cell = str | int | float | Decimal | None


@dataclass(frozen=True, kw_only=True)
class Table:
    """A table of figures. With ``total_row`` the last row is set in bold."""

    caption: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    source: str
    as_of: date
    total_row: bool = False

    def __post_init__(self) -> None:
        _require_source(self.source, self.as_of)
        for index, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    ERROR_ROW_WIDTH.format(row=index, got=len(row), expected=len(self.columns))
                )
            for column, value in zip(self.columns, row, strict=True):
                if column.numeric and not (value is None or _is_number(value)):
                    raise ValueError(
                        ERROR_CELL_TYPE.format(row=index, column=column.title, value=value)
                    )

    def formatted_rows(self, language: Language = "id") -> list[list[str]]:
        return [
            [
                column.format(value, language)
                for column, value in zip(self.columns, row, strict=True)
            ]
            for row in self.rows
        ]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@dataclass(frozen=True, kw_only=True)
class Series:
    """One line, or one colour of bars; ``None`` where a category has no value."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True, kw_only=True)
class Chart:
    """A line or grouped-bar chart over categories (years, kecamatan, programmes)."""

    caption: str
    kind: Literal["line", "bar"]
    categories: Sequence[str]
    series: Sequence[Series]
    source: str
    as_of: date
    y_label: str = ""
    decimals: int = 0

    def __post_init__(self) -> None:
        _require_source(self.source, self.as_of)
        if self.kind not in ("line", "bar"):
            raise ValueError(ERROR_CHART_KIND.format(kind=self.kind))
        if not self.series:
            raise ValueError(ERROR_NO_SERIES)
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    ERROR_SERIES_LENGTH.format(
                        name=series.name, got=len(series.values), expected=len(self.categories)
                    )
                )


Coordinate = tuple[float, float]


@dataclass(frozen=True)
class Area:
    """A region's outline in lon/lat: one or more rings drawn as one shape.

    As in GeoJSON (RFC 7946), outer rings run counter-clockwise and holes clockwise, so an
    enclave (a kota inside its kabupaten) is left unfilled.
    """

    rings: Sequence[Sequence[Coordinate]]


@dataclass(frozen=True)
class Point:
    """A place (a village office, a project site) in lon/lat."""

    lon: float
    lat: float


def geometry_from_geojson(geometry: Mapping[str, Any]) -> Area | Point:
    """An :class:`Area` or :class:`Point` from a GeoJSON geometry (``shapely.geometry.mapping``
    gives one): Polygon and MultiPolygon become an Area, Point a Point.

    >>> geometry_from_geojson({"type": "Point", "coordinates": (107.6, -6.9)})
    Point(lon=107.6, lat=-6.9)
    """
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return Point(float(coords[0]), float(coords[1]))
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = list(coords)
    else:
        raise ValueError(ERROR_GEOMETRY.format(kind=kind))
    rings = [
        tuple((float(x), float(y)) for x, y, *_ in ring) for polygon in polygons for ring in polygon
    ]
    return Area(tuple(rings))


@dataclass(frozen=True, kw_only=True)
class MapFeature:
    geometry: Area | Point
    value: float | None
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class Legend:
    """Class breaks of a choropleth: n ascending breaks make n + 1 classes,
    "< b1", "b1 – < b2", …, "≥ bn"; a value equal to a break falls in the class above it."""

    title: str
    breaks: Sequence[float]
    decimals: int = 0

    def __post_init__(self) -> None:
        if any(lower >= upper for lower, upper in pairwise(self.breaks)):
            raise ValueError(ERROR_BREAKS)

    def class_of(self, value: float) -> int:
        return sum(1 for b in self.breaks if value >= b)

    def class_labels(self, language: Language = "id") -> list[str]:
        if not self.breaks:
            return [""]
        fmt = [format_number(b, decimals=self.decimals, language=language) for b in self.breaks]
        labels = [f"< {fmt[0]}"]
        labels += [f"{lower} – < {upper}" for lower, upper in pairwise(fmt)]
        labels.append(f"≥ {fmt[-1]}")
        return labels


@dataclass(frozen=True, kw_only=True)
class Map:
    """A choropleth of areas (and/or coloured points), classed by ``legend``."""

    caption: str
    features: Sequence[MapFeature]
    legend: Legend
    source: str
    as_of: date
    show_labels: bool = True

    def __post_init__(self) -> None:
        _require_source(self.source, self.as_of)


Block = Narrative | Table | Chart | Map | Note


# --- Structure ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Section:
    title: str
    blocks: Sequence[Block]


@dataclass(frozen=True, kw_only=True)
class Chapter:
    """A chapter ("BAB II"), or with ``annex`` the annexes ("LAMPIRAN"), whose sections,
    tables and figures are numbered "L.1", "Tabel L.2" instead of by the chapter number."""

    number: int
    title: str
    sections: Sequence[Section]
    annex: bool = False

    def heading(self, language: Language = "id") -> str:
        """The line above the chapter title: "BAB II" (or "LAMPIRAN")."""
        if self.annex:
            return LABELS[language].annex
        return f"{LABELS[language].chapter} {roman(self.number)}"

    def prefix(self, language: Language = "id") -> str:
        """What section, table and figure numbers start with: "2" (or "L")."""
        return LABELS[language].annex_mark if self.annex else str(self.number)


@dataclass(frozen=True, kw_only=True)
class Document:
    """A whole report. ``draft`` (the default, so nothing unapproved looks final) puts a
    DRAFT banner on every page; set it to False for the published edition."""

    title: str
    subtitle: str
    region_name: str
    year: int
    as_of: date
    chapters: Sequence[Chapter]
    language: Language = "id"
    draft: bool = True
    issuer: str = ""

    @property
    def labels(self) -> Labels:
        return LABELS[self.language]


class CaptionCounter:
    """Numbers the tables and figures of one chapter: "Tabel 2.1", "Gambar 2.1", ….

    Charts and maps share the figure sequence; narrative and notes take no number.
    """

    def __init__(self, chapter: Chapter, language: Language = "id") -> None:
        self._chapter = chapter.prefix(language)
        self._labels = LABELS[language]
        self._tables = 0
        self._figures = 0

    def label(self, block: Block) -> str | None:
        if isinstance(block, Table):
            self._tables += 1
            return f"{self._labels.table} {self._chapter}.{self._tables}"
        if isinstance(block, Chart | Map):
            self._figures += 1
            return f"{self._labels.figure} {self._chapter}.{self._figures}"
        return None


def section_number(chapter: Chapter, index: int, language: Language = "id") -> str:
    """The number of a section: "2.3" for the third of chapter 2 (``index`` counts from 0),
    "L.1" for the first annex."""
    return f"{chapter.prefix(language)}.{index + 1}"
