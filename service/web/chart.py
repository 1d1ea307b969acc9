"""A small line chart of quality over time as inline SVG, drawn on the server (no script, no library)."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 36
# Dark enough on white for the 3:1 contrast graphics need; told apart by dash pattern too.
SERIES_STYLE = [("#1f4e99", ""), ("#8a3b00", "6 3"), ("#206a2a", "2 3")]


def line_chart(labels: list[str], series: dict[str, list[float | None]]) -> str:
    """SVG markup: one line per series (values 0..1) over the labels; a gap where a value is None."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="chart-title">',
        '<title id="chart-title">Точность по дням</title>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ccc"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="#333">'
            f"{round(tick * 100)}%</text>"
        )
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" '
                f'fill="#333">{escape(label)}</text>'
            )
    for (name, values), (colour, dash) in zip(series.items(), SERIES_STYLE, strict=False):
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x(i), y(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
                    f'stroke-dasharray="{dash}"/>'
                )
            for px, py in run:
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        for i, value in enumerate(values):
            if value is not None:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="8" fill="transparent">'
                    f"<title>{escape(name)}, {escape(labels[i])}: {value:.0%}</title></circle>"
                )
    legend_y = HEIGHT - 6
    for i, ((name, _), (colour, dash)) in enumerate(zip(series.items(), SERIES_STYLE, strict=False)):
        lx = LEFT + i * 190
        parts.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="{dash}"/>'
            f'<text x="{lx + 30}" y="{legend_y}" font-size="11" fill="#333">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
