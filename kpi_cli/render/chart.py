"""The chart of the indicator report: quarterly performance against target, as figures for the
text reports and as inline SVG (no script) for HTML and PDF."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

from kpi_cli.core.thai import format_number, format_plain
from kpi_cli.render.pdf import PDF_FONT

@dataclass(frozen=True)
class ChartBar:
    quarter: int
    performance: float | None
    target: float | None
    performance_ratio: float    # 0..1 of the chart's top
    target_ratio: float | None


@dataclass(frozen=True)
class Chart:
    """Quarterly performance against target: the figures, and the inline SVG for HTML and PDF."""

    unit: str
    top: float
    bars: tuple[ChartBar, ...]
    svg: Markup

    @property
    def has_data(self) -> bool:
        return any(b.performance is not None or b.target is not None for b in self.bars)


def quarterly_chart(rows: Sequence, unit: str) -> Chart:
    """The chart of the quarters (the report's QuarterRow: quarter, performance, target), its top a
    round figure above them."""
    values = [v for r in rows for v in (r.performance, r.target) if v is not None]
    top = nice_ceiling(max(values, default=0))
    bars = tuple(ChartBar(r.quarter, r.performance, r.target,
                          _ratio(r.performance, top) or 0.0, _ratio(r.target, top)) for r in rows)
    chart = Chart(unit, top, bars, Markup(""))
    if not chart.has_data:
        return chart
    return Chart(unit, top, bars, chart_svg(chart))


def _ratio(value: float | None, top: float) -> float | None:
    if value is None:
        return None
    return max(0.0, min(1.0, value / top)) if top else 0.0


def nice_ceiling(value: float) -> float:
    """The chart's top: 87 -> 100, 2700 -> 3000, 0 -> 1."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop ends at 10


_CHART_W, _CHART_H = 360, 210
_PLOT = (46, 22, 350, 176)  # left, top, right, bottom of the plot area


def chart_svg(chart: Chart) -> Markup:
    """Inline SVG: bars of performance, a marker and a dashed line for the targets. No script.

    The SVG holds figures and 'ไตรมาส N' only; words with Thai marks (the legend, the unit) go in
    the HTML around it, because WeasyPrint sets SVG text glyph by glyph and would not stack
    the marks (เป้าหมาย would print with a dotted circle)."""
    left, top, right, bottom = _PLOT
    slot = (right - left) / len(chart.bars)

    def y(ratio: float) -> str:
        return f"{bottom - (bottom - top) * ratio:.1f}"

    unit = escape(chart.unit)
    desc = "; ".join(
        f"ไตรมาสที่ {b.quarter}: ผลงาน {format_number(b.performance)}"
        + (f" เป้าหมาย {format_plain(b.target)}" if b.target is not None else "") for b in chart.bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_CHART_W} {_CHART_H}" '
        f'role="img" aria-labelledby="chart-title chart-desc" font-family="{PDF_FONT}, sans-serif" font-size="13">',
        f'<title id="chart-title">ผลงานเทียบกับเป้าหมายรายไตรมาส ({unit})</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
    ]
    for i in range(5):
        ratio = i / 4
        yy = y(ratio)
        out.append(f'<line x1="{left}" y1="{yy}" x2="{right}" y2="{yy}" stroke="#d0d7de" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{float(yy) + 4:.1f}" text-anchor="end" fill="#555">'
                   f'{escape(format_plain(_round(chart.top * ratio)))}</text>')
    targets = []
    for n, b in enumerate(chart.bars):
        x0 = left + slot * n
        cx = x0 + slot / 2
        if b.performance is not None:
            h = (bottom - top) * b.performance_ratio
            out.append(f'<rect class="bar" x="{x0 + slot * 0.22:.1f}" y="{bottom - h:.1f}" width="{slot * 0.56:.1f}" '
                       f'height="{h:.1f}" fill="#2f6db5"/>')
            out.append(f'<text x="{cx:.1f}" y="{bottom - h - 5:.1f}" text-anchor="middle" font-weight="bold">'
                       f'{escape(format_number(b.performance))}</text>')
        if b.target_ratio is not None:
            ty = y(b.target_ratio)
            targets.append(f"{cx:.1f},{ty}")
            out.append(f'<line class="target" x1="{x0 + slot * 0.12:.1f}" y1="{ty}" x2="{x0 + slot * 0.88:.1f}" '
                       f'y2="{ty}" stroke="#c0392b" stroke-width="3"/>')
        out.append(f'<text x="{cx:.1f}" y="{bottom + 20}" text-anchor="middle">ไตรมาส {b.quarter}</text>')
    if len(targets) > 1:
        out.append(f'<polyline points="{" ".join(targets)}" fill="none" stroke="#c0392b" stroke-width="1.5" '
                   f'stroke-dasharray="4 3"/>')
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333" stroke-width="1"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _round(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)
