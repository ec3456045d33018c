"""Charts and maps drawn server-side with matplotlib's Agg canvas, as PNG bytes.

Both renderers embed the same PNG (DOCX cannot take SVG), so a figure looks the same in
Word and in the PDF. No pyplot: each figure is a standalone ``Figure`` with its own canvas,
and the style is set per figure under a lock, because ``rc_context`` changes process-wide
state. Text uses DejaVu Sans, which matplotlib ships, so the pictures do not depend on the
fonts of the machine; PNG metadata is left out, so the same chart gives the same bytes.

Captions and source lines are not drawn into the picture: the renderers set them as text,
so they are searchable and read by screen readers.
"""

from __future__ import annotations

import io
import math
import threading
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch as LegendPatch
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter

from konvergen.reports.document import (
    LABELS,
    Area,
    Chart,
    Coordinate,
    Language,
    Map,
    Point,
    format_number,
)

#: Resolution of embedded figures: sharp in print at A4 width without bloating the file.
DPI = 200
CM = 1 / 2.54

#: Okabe–Ito: distinguishable for readers with colour-blindness and in greyscale print.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000")
#: Shown for an area without a value.
NO_DATA_COLOUR = "#D9D9D9"

_STYLE: dict[Any, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
}
_LOCK = threading.Lock()


def chart_png(
    chart: Chart,
    *,
    language: Language = "id",
    width_cm: float = 16,
    height_cm: float = 8.5,
    dpi: int = DPI,
) -> bytes:
    """Draw a line or grouped-bar chart; axis ticks and bar labels in the language's numbers."""
    with _LOCK, matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(width_cm * CM, height_cm * CM), layout="constrained")
        axes = figure.add_subplot()
        positions = list(range(len(chart.categories)))
        numbers = FuncFormatter(
            lambda value, _pos: format_number(value, decimals=chart.decimals, language=language)
        )
        axes.yaxis.set_major_formatter(numbers)
        if chart.kind == "line":
            _draw_lines(axes, chart, positions)
        else:
            _draw_bars(axes, chart, positions, language)
        axes.set_xticks(positions, list(chart.categories))
        if len(chart.categories) > 6 or max((len(c) for c in chart.categories), default=0) > 12:
            for tick in axes.get_xticklabels():
                tick.set_rotation(30)
                tick.set_horizontalalignment("right")
        axes.grid(axis="x", visible=False)
        if chart.y_label:
            axes.set_ylabel(chart.y_label)
        if len(chart.series) > 1:
            figure.legend(loc="outside lower center", ncols=min(len(chart.series), 4))
        return _png(figure, dpi)


def _draw_lines(axes, chart: Chart, positions: list[int]) -> None:
    for index, series in enumerate(chart.series):
        values = [math.nan if v is None else v for v in series.values]
        axes.plot(
            positions,
            values,
            marker="o",
            markersize=3.5,
            linewidth=1.8,
            color=SERIES_COLOURS[index % len(SERIES_COLOURS)],
            label=series.name,
        )


def _draw_bars(axes, chart: Chart, positions: list[int], language: Language) -> None:
    count = len(chart.series)
    width = 0.8 / count
    # Value labels only while they fit above the bars.
    labelled = len(chart.categories) * count <= 24
    for index, series in enumerate(chart.series):
        offset = (index - (count - 1) / 2) * width
        heights = [0.0 if v is None else v for v in series.values]
        bars = axes.bar(
            [p + offset for p in positions],
            heights,
            width=width * 0.92,
            color=SERIES_COLOURS[index % len(SERIES_COLOURS)],
            label=series.name,
        )
        if labelled:
            labels = [
                format_number(v, decimals=chart.decimals, language=language) for v in series.values
            ]
            axes.bar_label(bars, labels=labels, padding=2, fontsize=7)
    axes.margins(y=0.12)


def map_png(
    map_: Map,
    *,
    language: Language = "id",
    width_cm: float = 16,
    height_cm: float = 12,
    dpi: int = DPI,
) -> bytes:
    """Draw a choropleth: areas (and points) coloured by the legend's classes."""
    legend = map_.legend
    class_labels = legend.class_labels(language)
    palette = _sequential(len(class_labels))

    def colour(value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return NO_DATA_COLOUR
        return palette[legend.class_of(value)]

    with _LOCK, matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(width_cm * CM, height_cm * CM), layout="constrained")
        axes = figure.add_subplot()
        axes.set_aspect("equal")
        axes.set_axis_off()
        for feature in map_.features:
            geometry = feature.geometry
            if isinstance(geometry, Area):
                axes.add_patch(
                    PathPatch(
                        _area_path(geometry),
                        facecolor=colour(feature.value),
                        edgecolor="#555555",
                        linewidth=0.5,
                    )
                )
            else:
                axes.scatter(
                    [geometry.lon],
                    [geometry.lat],
                    s=36,
                    color=colour(feature.value),
                    edgecolors="#333333",
                    linewidths=0.6,
                    zorder=3,
                )
        axes.autoscale_view()
        if map_.show_labels:
            for feature in map_.features:
                if feature.label:
                    x, y = _label_point(feature.geometry)
                    axes.annotate(
                        feature.label,
                        (x, y),
                        ha="center",
                        va="center" if isinstance(feature.geometry, Area) else "bottom",
                        xytext=(0, 0 if isinstance(feature.geometry, Area) else 4),
                        textcoords="offset points",
                        fontsize=7,
                        zorder=4,
                    )
        handles = [
            LegendPatch(facecolor=c, edgecolor="#555555", label=label)
            for c, label in zip(palette, class_labels, strict=True)
        ]
        if any(f.value is None for f in map_.features):
            handles.append(
                LegendPatch(
                    facecolor=NO_DATA_COLOUR, edgecolor="#555555", label=LABELS[language].no_data
                )
            )
        axes.legend(
            handles=handles,
            title=legend.title,
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            fontsize=7,
            title_fontsize=8,
            alignment="left",
        )
        return _png(figure, dpi)


def _sequential(count: int) -> list[str]:
    """``count`` colours from light to dark, so a darker area means a larger value."""
    cmap = matplotlib.colormaps["YlOrRd"]
    if count == 1:
        return [to_hex(cmap(0.6))]
    return [to_hex(cmap(0.15 + 0.8 * i / (count - 1))) for i in range(count)]


def _area_path(area: Area) -> Path:
    vertices: list[Coordinate] = []
    codes: list[int] = []
    move, line, close = int(Path.MOVETO), int(Path.LINETO), int(Path.CLOSEPOLY)
    for ring in area.rings:
        points = list(ring)
        if len(points) < 3:
            continue
        if points[0] != points[-1]:
            points.append(points[0])
        vertices.extend(points)
        codes.extend([move] + [line] * (len(points) - 2) + [close])
    return Path(vertices, codes)


def _label_point(geometry: Area | Point) -> Coordinate:
    if isinstance(geometry, Point):
        return geometry.lon, geometry.lat
    # The centroid of the largest ring: good enough for a label, with no geometry library.
    best: tuple[float, Coordinate] = (-1.0, (0.0, 0.0))
    for ring in geometry.rings:
        area, centroid = _ring_centroid(list(ring))
        if abs(area) > best[0]:
            best = (abs(area), centroid)
    return best[1]


def _ring_centroid(ring: list[Coordinate]) -> tuple[float, Coordinate]:
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if twice_area == 0:
        xs, ys = zip(*ring, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return twice_area / 2, (cx / (3 * twice_area), cy / (3 * twice_area))


def _png(figure: Figure, dpi: int) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
