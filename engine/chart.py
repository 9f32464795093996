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

import itertools
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..events.dates import parse_period
from ..events.errors import TimelineError
from ..events.parties import party_name
from .tracks import FOREVER, Spell

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

    from .subjects import Subject
    from .timeline import Timeline

__all__ = [
    "CHART_SUFFIXES",
    "STANDING_COLOURS",
    "ChartError",
    "check_chart_path",
    "membership_chart",
    "sources_caption",
]

CHART_SUFFIXES = (".png", ".svg", ".pdf")

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
_LAST_DAY = date.max.toordinal() - 1  # the axis needs the day after its last one
_ROW_INCH = 0.34
_PANEL_INCH = 1.0
_LEGEND_INCH = 0.9
_CAPTION_INCH = 0.16  # one line of the sources caption
_CAPTION_SOURCES = 8  # sources named in the caption before "and N more"
_TITLE_CHARS = 70  # a source title longer than this is cut at a word


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


# A lineage of thousands of predecessors draws only the nearest foundings and names only the
# nearest predecessors in the title: what a reader can take in, in time linear in the lineage.
_MAX_FOUNDINGS = 12
_MAX_NAMED = 4


def _lineage(timeline: Timeline, subject: Subject) -> list[tuple[Subject, int, int]]:
    """The subject and its predecessors, oldest first, each with the days it answers for [lo, hi)."""
    chain, seen = [subject], {subject.id}
    while chain[-1].predecessor and chain[-1].predecessor in timeline.subjects_by_id:
        pred = timeline.subjects_by_id[chain[-1].predecessor]
        if pred.id in seen:  # a cycle of predecessors: stop rather than loop
            break
        seen.add(pred.id)
        chain.append(pred)
    chain.reverse()  # built newest first in linear time, read oldest first
    eras = []
    for k, s in enumerate(chain):
        lo = s.founded.when.lo.toordinal() if k else -FOREVER
        hi = chain[k + 1].founded.when.lo.toordinal() if k + 1 < len(chain) else FOREVER
        eras.append((s, lo, hi))
    return eras


def _segments(spell: Spell) -> list[tuple[int, int, bool]]:
    """(from, to, certain) pieces of a spell: hatched where it may or may not hold yet."""
    if spell.certain_from >= spell.certain_to:
        return [(spell.possible_from, spell.possible_to, False)]
    return [
        (spell.possible_from, spell.certain_from, False),
        (spell.certain_from, spell.certain_to, True),
        (spell.certain_to, spell.possible_to, False),
    ]


def _pieces(segments: list[tuple[int, int, int, str, bool]]) -> list[tuple[int, int, tuple]]:
    """Cut a row's overlapping segments (from, to, order, value, certain) into pieces, each with
    the segments covering it in order, merging neighbours covered alike."""
    cuts = sorted({a for a, *_ in segments} | {b for _, b, *_ in segments})
    out: list[tuple[int, int, tuple]] = []
    for a, b in itertools.pairwise(cuts):
        cover = tuple(sorted((o, v, c) for lo, hi, o, v, c in segments if lo <= a and b <= hi))
        if not cover:
            continue
        if out and out[-1][1] == a and out[-1][2] == cover:
            out[-1] = (out[-1][0], b, cover)
        else:
            out.append((a, b, cover))
    return out


class _Panel:
    """What one subject's panel shows: rows of pieces, and the lineage boundaries."""

    def __init__(
        self,
        timeline: Timeline,
        subject: Subject,
        parties: set[str] | None = None,
        standings: set[str] | None = None,
    ):
        self.subject = subject
        self.eras = _lineage(timeline, subject)
        rows: dict[str, list[tuple[int, int, int, str, bool]]] = {}
        # (from, to, event id): the days on which an event stands behind what is drawn, for the caption
        self.behind: list[tuple[int, int, str]] = []
        order = 0
        for s, era_lo, era_hi in self.eras:
            covered = timeline.record.coverage(s.id)
            if covered is not None:  # no bar runs past the last day the record covers
                era_hi = min(era_hi, covered.until.toordinal() + 1)
            for party, track in timeline.party_tracks(s.id).items():
                if parties is not None and party not in parties:
                    continue
                for spell in track.spells:
                    if standings is not None and spell.value not in standings:
                        order += 1
                        continue
                    for a, b, certain in _segments(spell):
                        a, b = max(a, era_lo), min(b, era_hi)
                        if a < b:
                            rows.setdefault(party, []).append((a, b, order, spell.value, certain))
                    lo, hi = max(spell.possible_from, era_lo), min(spell.possible_to, era_hi)
                    if lo < hi:
                        self.behind.append((lo, hi, spell.event_id))
                        if spell.next_event_id and spell.certain_to < era_hi:  # the end is drawn too
                            self.behind.append(
                                (spell.certain_to, max(spell.possible_to, spell.certain_to + 1), spell.next_event_id)
                            )
                    order += 1
        self.rows = rows
        self.events = {e.id: e for s, _, _ in self.eras for e in timeline.events_in_force(s.id)}

    def last_event_day(self) -> int | None:
        """The latest day any event of the subject (or its predecessors) can mean."""
        days = [e.when.hi.toordinal() for e in self.events.values() if e.when is not None]
        return max(days) if days else None

    def sources(self, start: int, end: int) -> list:
        """The sources of the events behind the pieces drawn between ``start`` and ``end`` (exclusive)."""
        ids = [eid for lo, hi, eid in self.behind if lo < end and hi > start]
        out: list = []
        for eid in dict.fromkeys(ids):
            event = self.events.get(eid)
            if event is not None:
                out.extend(event.sources)
        return out

    def first_day(self) -> int | None:
        days = [a for segs in self.rows.values() for a, *_ in segs]
        days += [s.founded.when.lo.toordinal() for s, _, _ in self.eras]
        return min(days) if days else None

    def last_change(self) -> int | None:
        days = [b - 1 for segs in self.rows.values() for _, b, *_ in segs if b < FOREVER]  # ends are exclusive
        return max(days) if days else None

    def ordered_rows(self, start: int, end: int) -> list[tuple[str, list[tuple[int, int, tuple]]]]:
        """Rows with something on the chart, by first appearance, then by code."""
        shown = []
        for party, segs in self.rows.items():
            clipped = [(max(a, start), min(b, end), o, v, c) for a, b, o, v, c in segs if a < end and b > start]
            if clipped:
                shown.append((min(a for a, *_ in clipped), party, _pieces(clipped)))
        return [(party, pieces) for _, party, pieces in sorted(shown)]


def _lighter(colour: str, amount: float = 0.6) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _darker(colour: str, amount: float = 0.35) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r * (1 - amount), g * (1 - amount), b * (1 - amount))


def _num(day: int) -> float:
    from matplotlib.dates import date2num

    return float(date2num(date.fromordinal(day)))


def _draw_panel(ax, panel: _Panel, rows, start: int, end: int, seen: set[str]) -> None:
    for y, (_party, pieces) in enumerate(rows):
        for a, b, cover in pieces:
            height = _BAR / len(cover)
            for k, (_, value, certain) in enumerate(cover):
                colour = STANDING_COLOURS.get(value, _OTHER)
                seen.add(value)
                top = y - _BAR / 2 + k * height
                x0 = _num(a)
                width = _num(b) - x0
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
        x = _num(day)
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


def _legend_handles(seen: set[str], any_uncertain: bool, on_label: str | None, on_is_day: bool) -> list:
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


def _shorten(text: str, limit: int = _TITLE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return cut + "…"


def sources_caption(sources: Sequence, limit: int = _CAPTION_SOURCES) -> str:
    """``Sources: …`` naming the distinct sources by title (shortened; the ref when untitled), the
    most cited first; a title shared by several records (``Wikidata statement``) says how many
    (``×14``); at most ``limit`` titles, then how many more."""
    cited: dict[str, int] = {}
    refs: dict[str, set[str]] = {}
    for src in sources:
        name = _shorten(src.title or src.ref)
        cited[name] = cited.get(name, 0) + 1
        refs.setdefault(name, set()).add(src.ref)
    if not cited:
        return ""
    names = sorted(cited, key=lambda n: (-len(refs[n]), -cited[n], n))
    shown = [f"{n} ×{len(refs[n])}" if len(refs[n]) > 1 else n for n in names[:limit]]
    more = len(names) - len(shown)
    text = "Sources: " + "; ".join(shown)
    return text + (f"; and {more} more (timeline explain lists them)" if more else "") + "."


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
    panels = [_Panel(timeline, timeline.subjects_by_id[sid], chosen, standings) for sid in resolved]

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
        _draw_panel(ax, panel, rows, lo, stop, seen)
    any_uncertain = any(not c for _, rows in laid_out for _, pieces in rows for *_, cover in pieces for *_, c in cover)

    on_label = None
    a, b = (on_period.lo.toordinal(), on_period.hi.toordinal() + 1) if on_period else (0, 0)
    on_is_day = b - a == 1
    a, b = max(a, lo), min(b, stop)
    if on_period is not None and a < b:  # the question's date is on the chart
        on_label = f"the question's date: {on_period.text}"
        for ax in axes:
            if on_is_day:
                ax.axvline(_num(a), color="black", linewidth=1.5, zorder=5)
            else:
                ax.axvspan(_num(a), _num(b), facecolor="none", edgecolor="black", linewidth=1.2, zorder=5)
                ax.axvspan(_num(a), _num(b), color="black", alpha=0.08, zorder=4, linewidth=0)

    ax = axes[-1]
    ax.set_xlim(_num(lo), _num(stop))
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
        handles=_legend_handles(seen, any_uncertain, on_label, on_is_day),
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
