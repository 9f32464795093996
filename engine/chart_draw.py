"""Drawing one subject's panel of a membership chart with matplotlib (imported when first
used): a bar per party coloured by standing, hatched where a change is uncertain, striped where two
standings are both possible; the foundings of the lineage; and the legend.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..events.parties import party_name
from .chart_data import ChartPanel

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.artist import Artist

__all__ = ["STANDING_COLOURS", "draw_panel", "legend_handles", "x_of"]

# One colour per standing, in the order the legend lists them (colour-blind-safe hues).
STANDING_COLOURS = {
    "member": "#1f5fa8",
    "party": "#2a7f62",
    "signatory": "#8fc79a",
    "associate": "#7b4fa0",
    "candidate": "#9ecae1",
    "observer": "#f0a030",
    "dialogue-partner": "#e6cf4a",
    "partner": "#a6761d",
    "suspended": "#c0392b",
}
_OTHER = "#888888"
_HATCH = "////"
_BAR = 0.72  # a bar's height, in rows

# A lineage of thousands of predecessors draws only the nearest foundings and names only the
# nearest predecessors in the title: what a reader can take in, in time linear in the lineage.
_MAX_FOUNDINGS = 12
_MAX_NAMED = 4


def _lighter(colour: str, amount: float = 0.6) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _darker(colour: str, amount: float = 0.35) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r * (1 - amount), g * (1 - amount), b * (1 - amount))


def x_of(day: int) -> float:
    """Where a day number stands on a chart's time axis (matplotlib's date number)."""
    from matplotlib.dates import date2num

    return float(date2num(date.fromordinal(day)))


def draw_panel(ax, panel: ChartPanel, rows, start: int, end: int, seen: set[str]) -> None:
    """One subject's panel on ``ax``: its rows of pieces, the foundings of its lineage, its title;
    the standings drawn are added to ``seen`` (for the legend)."""
    for y, (_party, pieces) in enumerate(rows):
        for a, b, cover in pieces:
            height = _BAR / len(cover)
            for k, (_, value, certain) in enumerate(cover):
                colour = STANDING_COLOURS.get(value, _OTHER)
                seen.add(value)
                top = y - _BAR / 2 + k * height
                x0 = x_of(a)
                width = x_of(b) - x0
                if certain:
                    ax.barh(top, width, left=x0, height=height, align="edge", color=colour, linewidth=0)
                else:
                    ax.barh(
                        top,
                        width,
                        left=x0,
                        height=height,
                        align="edge",
                        facecolor=_lighter(colour),
                        edgecolor=_darker(colour),
                        hatch=_HATCH,
                        linewidth=0,
                    )
    foundings = [(era, era.founded.when.lo.toordinal()) for era, _, _ in panel.eras]
    foundings = [(era, day) for era, day in foundings if start < day < end][-_MAX_FOUNDINGS:]
    header = 0.7 if foundings else 0.0  # a strip above the bars for the lineage labels
    ax.set_yticks(range(len(rows)), [f"{party}  {party_name(party)}" for party, _ in rows])
    ax.set_ylim(len(rows) - 0.5 if rows else 0.5, -0.5 - header)
    ax.tick_params(axis="y", length=0, labelsize=9)
    if not rows:
        ax.set_yticks([])
        ax.text(
            0.5,
            0.5,
            "no party has a standing in this period",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="#666666",
            style="italic",
        )
    s = panel.subject
    title = f"{s.id} — {s.name}"
    preds = [e for e in panel.eras[:-1] if e[2] > start]
    if preds:
        named = preds[-_MAX_NAMED:]  # the nearest predecessors; a long lineage is counted, not listed
        title += "; before it, " + ", ".join(f"{p.id} ({p.name})" for p, _, _ in named)
        if len(preds) > len(named):
            title += f" and {len(preds) - len(named)} earlier"
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    for era, day in foundings:
        x = x_of(day)
        ax.axvline(x, color="#444444", linestyle="--", linewidth=1)
        ax.annotate(
            f"{era.id} founded {era.founded.when.text}",
            xy=(x, -0.5 - header / 2),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=8,
            color="#333333",
            va="center",
        )
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def legend_handles(seen: set[str], any_uncertain: bool, on_label: str | None, on_is_day: bool) -> list:
    """The legend: the standings drawn, the hatch of an uncertain change, the question's date."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = [Patch(facecolor=c, label=v) for v, c in STANDING_COLOURS.items() if v in seen]
    handles += [Patch(facecolor=_OTHER, label=v) for v in sorted(seen - set(STANDING_COLOURS))]
    if any_uncertain:
        handles.append(
            Patch(
                facecolor=_lighter("#555555"),
                edgecolor="#555555",
                hatch=_HATCH,
                linewidth=0,
                label="uncertain: the change happened on some day of this window",
            )
        )
    if on_label and on_is_day:
        handles.append(Line2D([], [], color="black", linewidth=1.5, label=on_label))
    elif on_label:
        handles.append(Patch(facecolor=(0, 0, 0, 0.08), edgecolor="black", linewidth=1.2, label=on_label))
    return handles
