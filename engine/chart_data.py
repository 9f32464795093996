"""What a membership chart shows, before anything is drawn: each subject's lineage (the subject
and its predecessors, each answering for its days), its parties' spells cut into pieces (certain,
or hatched over the window a change may fall in; stripes where two standings are both possible),
and the sources of the events behind the pieces drawn (``engine.chart`` draws them).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .tracks import FOREVER, Spell

if TYPE_CHECKING:  # pragma: no cover
    from .subjects import Subject
    from .timeline import Timeline

__all__ = ["ChartPanel", "lineage", "sources_caption"]

_CAPTION_SOURCES = 8  # sources named in the caption before "and N more"
_TITLE_CHARS = 70  # a source title longer than this is cut at a word


def lineage(timeline: Timeline, subject: Subject) -> list[tuple[Subject, int, int]]:
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


class ChartPanel:
    """What one subject's panel shows: rows of pieces, and the lineage boundaries."""

    def __init__(
        self,
        timeline: Timeline,
        subject: Subject,
        parties: set[str] | None = None,
        standings: set[str] | None = None,
    ):
        self.subject = subject
        self.eras = lineage(timeline, subject)
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
