"""The statistics page's charts, drawn on the server as inline SVG (no script, no third party): 落实率 per 院系 as
horizontal bars, and each 院系's mix of destinations as a stacked bar.

Each row puts its label above its bar, so the drawing keeps its width at 375 px (the SVG scales with its viewBox to
the width of the page, at most CHART_MAX_WIDTH in CSS). Colours come from app.css classes (the CSP allows no inline
style). The text alternative is the chart's <title> and <desc> (every figure in words) and the 按院系统计 table.
"""

from dataclasses import dataclass

from students.models import Category

from .statistics import Counts

WIDTH = 400
ROW_HEIGHT = 46
LABEL_BASELINE = 16
BAR_TOP, BAR_HEIGHT = 24, 14

# The stacked bar's segments: each category, then 未落实; keys are also the CSS classes' suffixes.
SEGMENTS = [*((category.value, category.label) for category in Category), ("unplaced", "未落实")]


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    x: float
    width: float
    title: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: str  # what the row's end says (落实率, or 生源人数)
    label_y: float
    bar_y: float
    width: float  # the rate bar's width
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_height: int
    rows: list[ChartRow]
    description: str


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def college_charts(rows: list[tuple[str, Counts]]) -> dict[str, Chart]:
    """The two charts of (院系 name, counts) rows: "rates" and "mix"."""
    rate_rows, mix_rows = [], []
    for index, (name, counts) in enumerate(rows):
        top = index * ROW_HEIGHT
        rate = counts.rate or 0.0
        segments, x = [], 0.0
        values = {**counts.categories, "unplaced": counts.unplaced}
        for key, label in SEGMENTS:
            count = values[key]
            width = WIDTH * count / counts.total if counts.total else 0.0
            if width:
                segments.append(Segment(key, label, round(x, 2), round(width, 2),
                                        f"{name}：{label} {count} 人（{_percent(count, counts.total)}）"))
            x += width
        common = {"label": name, "label_y": top + LABEL_BASELINE, "bar_y": top + BAR_TOP}
        rate_rows.append(ChartRow(value=counts.rate_label, width=round(WIDTH * rate, 2), segments=[], **common))
        mix_rows.append(ChartRow(value=f"{counts.total} 人", width=WIDTH, segments=segments, **common))
    height = max(ROW_HEIGHT, len(rows) * ROW_HEIGHT)
    rates = "；".join(f"{name} {counts.rate_label}" for name, counts in rows)
    mixes = "；".join(
        f"{name}（{counts.total} 人）" + "、".join(
            f"{label} {_percent(value, counts.total)}"
            for key, label in SEGMENTS
            if (value := {**counts.categories, "unplaced": counts.unplaced}[key])
        )
        for name, counts in rows
    )
    return {
        "rates": Chart(WIDTH, height, BAR_HEIGHT, rate_rows, f"各院系落实率：{rates}。"),
        "mix": Chart(WIDTH, height, BAR_HEIGHT, mix_rows, f"各院系毕业去向构成：{mixes}。"),
    }
