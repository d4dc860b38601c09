"""Server-rendered SVG charts. Each chart has a title and a text description, and the
page always shows the same numbers in a table, so nothing depends on seeing colour."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK Design System colours, in an order that stays distinguishable side by side.
PALETTE = ["#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#505a5f"]
FONT = 'font-family="Arial, Helvetica, sans-serif"'


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value <= step:
            return step
    return ((value // 5000) + 1) * 5000


def grouped_bar_chart(
    *, chart_id: str, title: str, categories: list[str], series: list[tuple[str, list[int]]]
) -> SafeString:
    """Vertical bars: one group per category (a year), one bar per series (a figure)."""
    width, height = 680, 320
    left, right, top, bottom = 40, 10, 20, 110
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max([v for _, values in series for v in values] or [0]))
    group_w = plot_w / max(len(categories), 1)
    bar_w = min(36, (group_w - 16) / max(len(series), 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="app-chart" {FONT}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(categories, series))}</desc>',
    ]
    for tick in range(0, 6):
        value = top_value * tick / 5
        y = top + plot_h - plot_h * tick / 5
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#0b0c0c">{value:g}</text>'
        )
    for c, category in enumerate(categories):
        gx = left + group_w * c + (group_w - bar_w * len(series)) / 2
        for s, (_name, values) in enumerate(series):
            value = values[c]
            bar_h = plot_h * value / top_value
            x = gx + bar_w * s
            y = top + plot_h - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{bar_h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"/>'
                f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="12" fill="#0b0c0c">{value}</text>'
            )
        parts.append(
            f'<text x="{left + group_w * c + group_w / 2:.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="14" fill="#0b0c0c">{escape(category)}</text>'
        )
    for s, (name, _values) in enumerate(series):
        y = top + plot_h + 36 + 18 * s
        parts.append(
            f'<rect x="{left}" y="{y}" width="14" height="14" fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{left + 20}" y="{y + 12}" font-size="13" fill="#0b0c0c">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_bar_chart(
    *, chart_id: str, title: str, rows: list[tuple[str, list[int]]], parts_labels: list[str]
) -> SafeString:
    """Horizontal stacked bars: one row per deadline kind, split by how it ended."""
    width = 680
    row_h, left, top = 28, 190, 10
    height = top + row_h * len(rows) + 40
    total_max = max([sum(values) for _, values in rows] or [0]) or 1
    plot_w = width - left - 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="app-chart" {FONT}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe([r for r, _ in rows], [(p, [v[i] for _, v in rows]) for i, p in enumerate(parts_labels)]))}</desc>',
    ]
    for r, (label, values) in enumerate(rows):
        y = top + row_h * r
        out.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="#0b0c0c">{escape(label[:28])}</text>'
        )
        x = left
        for i, value in enumerate(values):
            w = plot_w * value / total_max
            if value:
                out.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{PALETTE[i % len(PALETTE)]}"/>'
                )
            x += w
        out.append(
            f'<text x="{x + 4:.1f}" y="{y + 17}" font-size="12" fill="#0b0c0c">{sum(values)}</text>'
        )
    y = top + row_h * len(rows) + 12
    x = left
    for i, label in enumerate(parts_labels):
        out.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{x + 18}" y="{y + 12}" font-size="12" fill="#0b0c0c">{escape(label)}</text>'
        )
        x += 30 + 7 * len(label)
    out.append("</svg>")
    return mark_safe("".join(out))


def _describe(categories: list[str], series: list[tuple[str, list[int]]]) -> str:
    """The chart in words, for screen readers (the table below has the same numbers)."""
    sentences = []
    for c, category in enumerate(categories):
        values = ", ".join(f"{name}: {values[c]}" for name, values in series)
        sentences.append(f"{category}: {values}.")
    return " ".join(sentences)
