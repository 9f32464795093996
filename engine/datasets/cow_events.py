"""The events one IGO's panel rows become, and the sources and notes they carry: ``founded`` and
``dissolved`` from ``sdate`` and ``deaddate``, one participation event per change of standing dated
by the window between two observations (``engine.datasets.cow`` says what a COW year means here),
and ``attested`` through the IGO's last coded year."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

import attrs

from ...events.dates import When, parse_date
from ...events.model import CoverageEvent, Event, ParticipationEvent, Source, SubjectEvent
from .cow_states import STATES_REF, CowDataError, StateSystem

__all__ = ["CODE_TABLE_TITLE", "STATES_TITLE", "TITLE", "IgoEvents", "Obs", "cells_text", "window_text"]

TITLE = (
    "Correlates of War IGO data v3.0, IGO-year panel (Pevehouse, Nordstrom, McManus & Jamison 2020, "
    "Journal of Peace Research 57(3))"
)
STATES_TITLE = "Correlates of War state system membership v2016 (states2016)"
CODE_TABLE_TITLE = "COW state to ISO 3166 code table of the Timeline Engine's COW importer"


def window_text(lo: date, hi: date) -> str:
    """The plainest EDTF for "some day from ``lo`` to ``hi``": a day, a month, a year, or a set."""
    if lo == hi:
        return lo.isoformat()
    whole_years = lo.month == 1 and lo.day == 1 and hi.month == 12 and hi.day == 31
    if whole_years:
        return f"{lo.year:04d}" if lo.year == hi.year else f"[{lo.year:04d}..{hi.year:04d}]"
    if (
        (lo.year, lo.month) == (hi.year, hi.month)
        and lo.day == 1
        and hi.day == calendar.monthrange(hi.year, hi.month)[1]
    ):
        return f"{lo.year:04d}-{lo.month:02d}"
    return f"[{lo.isoformat()}..{hi.isoformat()}]"


def _when(lo: int, hi: int) -> When:
    a, b = date.fromordinal(lo), date.fromordinal(hi)
    return When(window_text(a, b), a, b)


def _shown(value: str) -> str:
    return value if value != "" else "(empty)"


class Obs(NamedTuple):
    """What the panel says about one party on one day."""

    day: int
    year: int
    standing: str | None
    kind: str  # "code" | "absent" (not in the state system) | "continued" | "continues" (code changes)
    cells: tuple[tuple[int, str, str], ...]  # (year, column, raw value) of the cells behind it


def cells_text(cells: Iterable[tuple[int, str, str]]) -> str:
    """``year=1990, russia=1; year=1991, russia=1``: cells grouped by year, each once."""
    by_year: dict[int, list[str]] = {}
    for y, c, v in cells:
        text = f"{c}={_shown(v)}"
        if text not in by_year.setdefault(y, []):
            by_year[y].append(text)
    return "; ".join(f"year={y}, " + ", ".join(texts) for y, texts in sorted(by_year.items()))


class IgoEvents:
    """What one IGO's events are made with: the file's ref and header, and the state system."""

    def __init__(self, ref: str, header: list[str], system: StateSystem):
        self.ref = ref
        self.header = header
        self.system = system

    def field(self, row: list[str], name: str) -> str:
        """A row's value of an IGO column (empty when the file has no such column)."""
        return row[self.header.index(name)] if name in self.header else ""

    def attested(self, ioname: str, sid: str, year: int) -> CoverageEvent:
        """The panel speaks for an IGO through its last coded year (for a living IGO, 2014 in v3):
        after it the record says nothing, so nothing is certain."""
        return CoverageEvent(
            id=f"cow-{sid.lower()}-attested-{year:04d}",
            kind="attested",
            subject=sid,
            date=parse_date(f"{year:04d}"),  # a year, as the codec reads one
            sources=(Source(title=TITLE, ref=self.ref, quote=f"ioname={ioname}, last year coded: {year}"),),
            note="the COW IGO-year panel codes this IGO through this year",
        )

    @staticmethod
    def dissolution_checked(events: list[Event]) -> list[Event]:
        """COW sometimes codes memberships after an IGO's ``deaddate`` (ACCT: dead 2005, coded to
        2014). A dissolution cannot precede events of its subject, so such an IGO gets no
        ``dissolved`` event; its founding event says why (the panel keeps the deaddate itself)."""
        gone = next((e for e in events if e.kind == "dissolved"), None)
        if gone is None:
            return events
        later = [e for e in events if e.kind not in ("founded", "dissolved") and e.when.lo > gone.when.hi]
        if not later:
            return events
        last = max(e.when.hi.year for e in later)
        note = f"COW gives deaddate {gone.date.text} but codes memberships until {last}; no dissolution is recorded"
        return [
            attrs.evolve(e, note="; ".join(x for x in (e.note, note) if x)) if e.kind == "founded" else e
            for e in events
            if e is not gone
        ]

    # -- events ---------------------------------------------------------------------------------
    def transitions(self, ioname: str, sid: str, p: str, series: list[Obs], founded: str) -> list[Event]:
        """One event per change of standing (two for member to associate or observer), dated by its window."""
        founding_lo = date(int(founded), 1, 1).toordinal()
        out: list[Event] = []
        standing, t_prev, prev = None, None, None
        for o in series:
            if o.standing == standing:
                t_prev, prev = o.day, o
                continue
            bounds: list[Source] = []
            if o.kind == "absent":
                spell = self.system.spell_at(p, t_prev) if t_prev is not None else None
                hi = spell.end + 1 if spell is not None else o.day
                if spell is not None:
                    bounds.append(self._bound(*spell.end_source))
            else:
                hi = o.day
            lo = max(founding_lo, t_prev + 1 if t_prev is not None else founding_lo)
            if o.standing is not None:
                spell = self.system.spell_at(p, hi)
                if spell is not None and spell.start > lo:
                    lo = spell.start
                    bounds.append(self._bound(*spell.start_source))
            if lo > hi:  # pragma: no cover - observation days increase and founding precedes them
                raise CowDataError(f"{self.ref}: {ioname} {o.year}: {p}: no day is left for the change ({lo} > {hi})")
            when = _when(lo, hi)
            sources = (self._cell_source(ioname, prev, o),) + tuple(bounds)
            note = self._note(p, prev, o, hi, founded)
            kinds: list[tuple[str, str | None]] = []
            if standing is not None and (o.standing is None or (standing == "member" and o.standing != "member")):
                kinds.append(("ceased", None))
            if o.standing == "member":
                kinds.append(("succeeded" if o.kind == "continues" else "joined", None))
            elif o.standing is not None:
                kinds.append(("granted", o.standing))
            end = date.fromordinal(hi)  # the year, or the day when the window ends inside a year: ids stay unique
            stamp = str(end.year) if (end.month, end.day) == (12, 31) else end.isoformat()
            for kind, status in kinds:
                eid = f"cow-{sid.lower()}-{stamp}-{p.lower()}-{kind}" + (f"-{status}" if status else "")
                out.append(
                    ParticipationEvent(
                        id=eid, kind=kind, subject=sid, date=when, party=p, status=status, sources=sources, note=note
                    )
                )
            standing, t_prev, prev = o.standing, o.day, o
        return out

    def _cell_source(self, ioname: str, prev: Obs | None, o: Obs) -> Source:
        cells = (prev.cells if prev is not None else ()) + o.cells
        quote = f"ioname={ioname}; {cells_text(cells)}" if cells else f"ioname={ioname}"
        return Source(title=TITLE, ref=self.ref, quote=quote)

    def _bound(self, ref: str, quote: str) -> Source:
        title = STATES_TITLE if ref == STATES_REF else CODE_TABLE_TITLE
        return Source(title=title, ref=ref, quote=quote or None)

    @staticmethod
    def _describe(o: Obs) -> str:
        return ", ".join(f"{c}={_shown(v)}" for year, c, v in o.cells if year == o.year) + f" in {o.year}"

    def _note(self, p: str, prev: Obs | None, o: Obs, hi: int, founded: str) -> str:
        if o.kind in ("continued", "continues") or (
            o.kind == "absent" and prev is not None and prev.kind == "continued"
        ):
            src = prev if o.kind == "absent" and prev is not None else o
            _, c, v = src.cells[-1]
            switch = src.day if src.kind == "continues" else src.day + 1
            return (
                f"COW codes one state ({c}) {_shown(v)} on both sides of its change of ISO code on "
                f"{date.fromordinal(switch).isoformat()}: the standing passes on that day"
            )
        before = (
            f"founded {founded}"
            if prev is None
            else (
                f"{p} not in the state system in {prev.year}"
                if prev.kind == "absent"
                else f"last observation {self._describe(prev)}"
            )
        )
        if o.kind == "absent":
            after = f"{p} out of the state system from {date.fromordinal(hi).isoformat()}"
        else:
            after = f"next {self._describe(o)}"
        return f"{before}; {after}; the change fell between them"

    def founding(self, ioname: str, sid: str, row: list[str], sdate: str) -> SubjectEvent:
        orgname = self.field(row, "orgname") or ioname
        longname = self.field(row, "longorgname")
        ionum = self.field(row, "ionum")
        bits = (
            [f"COW ioname {ioname}"]
            + ([f"ionum {ionum}"] if ionum else [])
            + ([f"long name: {longname}"] if longname else [])
        )
        year = int(sdate)
        return SubjectEvent(
            id=f"cow-{sid.lower()}-founded",
            kind="founded",
            subject=sid,
            date=parse_date(f"{year:04d}"),  # a year, as the codec reads one
            name=orgname,
            subject_kind="organization",
            sources=(Source(title=TITLE, ref=self.ref, quote=f"ioname={ioname}, orgname={orgname}, sdate={sdate}"),),
            note="; ".join(bits),
        )

    def dissolution(self, ioname: str, sid: str, line: int, deaddate: str, founded_year: int) -> SubjectEvent:
        try:
            year = int(deaddate)
        except ValueError:
            raise CowDataError(
                f"{self.ref}:{line}: {ioname}: deaddate must be a year or empty, found {deaddate!r}"
            ) from None
        if year < founded_year:
            raise CowDataError(f"{self.ref}:{line}: {ioname}: deaddate {year} is before its sdate {founded_year}")
        return SubjectEvent(
            id=f"cow-{sid.lower()}-dissolved",
            kind="dissolved",
            subject=sid,
            date=parse_date(f"{year:04d}"),  # a year, as the codec reads one
            sources=(Source(title=TITLE, ref=self.ref, quote=f"ioname={ioname}, deaddate={deaddate}"),),
        )
