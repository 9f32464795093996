"""The membership chart: one bar per party, its standings over time, one panel per subject,
written as PNG, SVG or PDF, with a caption naming the sources behind the bars.

>>> from timeline_engine.engine import Timeline
>>> fig = membership_chart(Timeline.load(), ["CSTO"], on="2013", out="csto.png")  # doctest: +SKIP

Each bar is coloured by standing. A transition known only to a month, a season or a year is
drawn hatched over its window: on those days the standing is uncertain (DESIGN.md,
"Dates are intervals"). Where two standings are both possible on the same days (a
suspension dated only by its year), the bar is split into stripes, the earlier standing on
top. Before a subject was founded its predecessor answers (lineage), so its panel shows the
predecessor's bars up to the founding, marked by a dashed line.

Drawn with matplotlib's Agg canvas: no display is needed and no global pyplot state is used.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..events.dates import parse_period
from ..events.errors import TimelineError
from .chart_data import ChartPanel, sources_caption
from .chart_draw import STANDING_COLOURS, draw_panel, legend_handles, x_of

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .timeline import Timeline

__all__ = ["CHART_SUFFIXES", "ChartError", "check_chart_path", "membership_chart"]

CHART_SUFFIXES = (".png", ".svg", ".pdf")

_LAST_DAY = date.max.toordinal() - 1  # the axis needs the day after its last one
_ROW_INCH = 0.34
_PANEL_INCH = 1.0
_LEGEND_INCH = 0.9
_CAPTION_INCH = 0.16  # one line of the sources caption


class ChartError(TimelineError, ValueError):
    """A chart cannot be drawn or written as asked (a bad file name, an empty period)."""


def check_chart_path(out: str | Path | None) -> Path | None:
    """The path to write a chart to, refused early unless it ends in .png, .svg or .pdf in a folder that exists."""
    if out is None:
        return None
    path = Path(out)
    if path.suffix.lower() not in CHART_SUFFIXES:
        found = f"{path.suffix!r}" if path.suffix else "no suffix"
        raise ChartError(
            f"cannot write a chart to {str(path)!r}: expected a file name ending in "
            f"{', '.join(CHART_SUFFIXES[:-1])} or {CHART_SUFFIXES[-1]}, found {found} — use e.g. --out chart.png"
        )
    if not path.parent.is_dir():
        raise ChartError(
            f"cannot write a chart to {str(path)!r}: the folder {str(path.parent)!r} does not exist — create it first"
        )
    return path


def _day(value: str | date | None, end: bool) -> int | None:
    """A day number for --from (first day of the date) or --to (last day)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.toordinal()
    when = parse_period(str(value))
    return (when.hi if end else when.lo).toordinal()


def _parse_standings(standing: str | Sequence[str] | None) -> set[str] | None:
    if standing is None:
        return None
    wanted = [standing] if isinstance(standing, str) else list(standing)
    wanted = [w.strip() for item in wanted for w in item.split(",") if w.strip()]
    if not wanted or "all" in wanted:
        return None
    known = set(STANDING_COLOURS)
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ChartError(f"unknown standing {unknown[0]!r} (expected all, {', '.join(STANDING_COLOURS)})")
    return set(wanted)


def membership_chart(
    timeline: Timeline,
    subjects: Sequence[str],
    start: str | date | None = None,
    end: str | date | None = None,
    on: str | date | None = None,
    out: str | Path | None = None,
    parties: Sequence[str] | None = None,
    standing: str | Sequence[str] | None = None,
    width: float | None = None,
    height: float | None = None,
    dpi: float = 150,
) -> Figure:
    """Draw every party's standings in each subject over time, one stacked panel per subject.

    ``start``/``end`` bound the time axis (EDTF: from the first day of ``start`` to the last
    day of ``end``). By default the axis runs from the start of the year of the earliest event
    to the end of the year of the latest event (or of the question's date when later), never
    to today. ``on`` marks the date of a question with a vertical line (a band for a month or a
    year). ``parties`` (codes or names) and ``standing`` (one or more standings, or ``all``)
    choose the bars drawn. A caption names the sources of the events behind the bars drawn.
    ``width`` and ``height`` are in inches (by default 11 wide and as tall as the rows need),
    ``dpi`` the resolution of a PNG. With ``out`` the chart is also written, as PNG, SVG or PDF
    according to the suffix. Returns the matplotlib Figure.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, YearLocator
    from matplotlib.figure import Figure

    path = check_chart_path(out)
    names = [subjects] if isinstance(subjects, str) else list(subjects)
    if not names:
        raise ChartError("no subject to chart: expected one or more subject ids such as CSTO or SCO")
    for label, value in (("--width", width), ("--height", height), ("--dpi", dpi)):
        if value is not None and not (0 < value <= (2000 if label == "--dpi" else 200)):
            raise ChartError(
                f"{label} {value:g} is out of range: expected a positive number "
                f"({'at most 2000 dots per inch' if label == '--dpi' else 'inches, at most 200'})"
            )
    resolved = list(dict.fromkeys(timeline.subject(n).id for n in names))
    chosen = (
        None
        if not parties
        else {timeline.resolve_party(p) for item in parties for p in str(item).split(",") if p.strip()}
    )
    standings = _parse_standings(standing)
    panels = [ChartPanel(timeline, timeline.subjects_by_id[sid], chosen, standings) for sid in resolved]

    on_period = parse_period(on.isoformat() if isinstance(on, date) else str(on)) if on is not None else None
    lo, hi = _day(start, end=False), _day(end, end=True)
    if lo is None:
        firsts = [d for p in panels if (d := p.first_day()) is not None]
        lo = date(date.fromordinal(min(firsts)).year, 1, 1).toordinal()
        if on_period is not None:
            lo = min(lo, on_period.lo.toordinal())
    if hi is None:
        lasts = [d for p in panels for d in (p.last_event_day(), p.last_change()) if d is not None]
        last = max(lasts) if lasts else lo
        if on_period is not None and on_period.hi.toordinal() < date.max.toordinal() - 1:
            last = max(last, on_period.hi.toordinal())
        hi = date(min(date.fromordinal(min(last, _LAST_DAY)).year, 9999), 12, 31).toordinal()
    lo, hi = max(lo, 1), min(hi, _LAST_DAY)
    if lo > hi:
        raise ChartError(
            f"the chart would end ({date.fromordinal(hi)}) before it starts ({date.fromordinal(lo)}) — "
            "give --from before --to"
        )
    stop = hi + 1  # the chart covers the last day whole

    laid_out = [(p, p.ordered_rows(lo, stop)) for p in panels]
    caption = sources_caption([src for p in panels for src in p.sources(lo, stop)])
    wide = width if width is not None else 11.0
    wrapped = textwrap.fill(caption, width=max(40, int(wide * 16))) if caption else ""
    caption_inch = _CAPTION_INCH * (wrapped.count("\n") + 1) if wrapped else 0.0
    title_inch = 0.2 if len(panels) == 1 and len(panels[0].subject.name) > wide * 4 else 0.0
    heights = [max(len(rows), 1) * _ROW_INCH + _PANEL_INCH for _, rows in laid_out]
    tall = height if height is not None else sum(heights) + _LEGEND_INCH + caption_inch + title_inch
    fig = Figure(figsize=(wide, tall), layout="constrained", dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(
        len(panels),
        1,
        sharex=True,
        squeeze=False,
        gridspec_kw={"height_ratios": [max(len(rows), 1) + 2.5 for _, rows in laid_out]},
    )[:, 0]
    seen: set[str] = set()
    for ax, (panel, rows) in zip(axes, laid_out):
        draw_panel(ax, panel, rows, lo, stop, seen)
    any_uncertain = any(not c for _, rows in laid_out for _, pieces in rows for *_, cover in pieces for *_, c in cover)

    on_label = None
    a, b = (on_period.lo.toordinal(), on_period.hi.toordinal() + 1) if on_period else (0, 0)
    on_is_day = b - a == 1
    a, b = max(a, lo), min(b, stop)
    if on_period is not None and a < b:  # the question's date is on the chart
        on_label = f"the question's date: {on_period.text}"
        for ax in axes:
            if on_is_day:
                ax.axvline(x_of(a), color="black", linewidth=1.5, zorder=5)
            else:
                ax.axvspan(x_of(a), x_of(b), facecolor="none", edgecolor="black", linewidth=1.2, zorder=5)
                ax.axvspan(x_of(a), x_of(b), color="black", alpha=0.08, zorder=4, linewidth=0)

    ax = axes[-1]
    ax.set_xlim(x_of(lo), x_of(stop))
    locator = AutoDateLocator(minticks=6, maxticks=16)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))
    if stop - lo > 4 * 366:
        ax.xaxis.set_minor_locator(YearLocator())
    for a in axes:
        a.tick_params(axis="x", labelbottom=True, labelsize=9)

    # One title: the period (and the record's edition) once, in the (first) panel's title; the legend
    # above the panels, the sources caption below them.
    known = f", as known on {timeline.as_known:%Y-%m-%d %H:%M} UTC" if timeline.as_known else ""
    chosen_text = ""
    if chosen is not None:
        chosen_text = f"; parties {', '.join(sorted(chosen))}"
    if standings is not None:
        chosen_text += f"; standings {', '.join(s for s in STANDING_COLOURS if s in standings)}"
    period = f"{date.fromordinal(lo)} to {date.fromordinal(hi)}{chosen_text}{known}"
    if len(axes) > 1:  # the chart's title on the first panel, above its subject's title
        head = textwrap.fill(f"Standings in {', '.join(resolved)}, {period}", width=max(30, int(wide * 9.5)))
        for k, ax in enumerate(axes):
            title = textwrap.fill(ax.get_title(loc="left"), width=max(30, int(wide * 9.5)))
            ax.set_title(f"{head}\n{title}" if k == 0 else title, loc="left", fontsize=11, fontweight="bold")
    else:  # one panel: its title is the chart's title
        title = textwrap.fill(f"{axes[0].get_title(loc='left')}, {period}", width=max(30, int(wide * 9.5)))
        axes[0].set_title(title, loc="left", fontsize=11, fontweight="bold")
    fig.legend(
        handles=legend_handles(seen, any_uncertain, on_label, on_is_day),
        loc="outside upper center",
        ncols=5,
        fontsize=9,
        frameon=False,
    )
    if wrapped:  # the caption is the figure's bottom label: the layout keeps room for it
        fig.supxlabel(wrapped, x=0.01, ha="left", fontsize=7, color="#444444", linespacing=1.3)
    if path is not None:
        from matplotlib import rc_context

        kind = path.suffix.lower().lstrip(".")
        try:
            # SVG and PDF text stays text (searchable, selectable; TrueType fonts embedded in a PDF)
            with rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
                fig.savefig(path, format=kind, dpi=dpi, metadata=_metadata(kind, resolved))
        except OSError as e:
            raise ChartError(
                f"cannot write the chart to {str(path)!r}: {e.strerror or e} — check the path and its permissions"
            ) from None
    return fig


def _metadata(kind: str, subjects: list[str]) -> dict | None:
    title = f"Standings in {', '.join(subjects)}"
    if kind == "pdf":
        return {"Title": title, "Creator": "timeline-engine", "CreationDate": None}
    if kind == "svg":
        return {"Title": title, "Date": None}
    return None
