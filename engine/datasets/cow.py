"""Import the Correlates of War IGO-year panel (v3, ``igo_year_format3.csv.gz``) as events.

Each IGO becomes a subject (``founded`` from ``sdate``, ``dissolved`` from ``deaddate``);
each state's codes become participation events at the points where they change.

What a COW year means here
--------------------------
A cell for year *Y* is read as the state's standing on the last day of *Y* on which the state
was in the COW state system: 31 December, or the day it left the system that year (COW codes
Germany for 1945 and South Vietnam for 1975, the years they left). This is the *observation
day* of the cell. A change between two observations happened on some day after the earlier
one, up to and including the later one, and the event's date is exactly that window:

* ``1975`` when the two observations are consecutive yearly ones;
* ``[1951..1955]`` (EDTF: one of the years 1951 to 1955) between the five-yearly observations
  before 1965, or across missing cells (``-9``, empty): missing data is a gap of knowledge,
  never a change, so the window runs from the last known observation. Rows marked
  ``imputed`` = 1 (COW's yearly fill between its five-yearly observations before 1965, for
  the IGOs whose early dates are "within 5 years") are not observations either: the panel
  record keeps them as they are, and the windows span them;
* narrowed by the state system where it says more: a state entering the system on 1991-12-26
  and coded a member for 1991 joined in ``[1991-12-26..1991-12-31]``; a state leaving it ends
  its standings on the day after it left (``1990-10-03`` for the GDR, or a window when the
  cells before are missing);
* at a change of ISO code within one COW state (``SUN`` to ``RUS`` on 1991-12-26), when the
  state's code is the same on both sides, the predecessor ``ceased`` and the successor
  ``succeeded`` (or was ``granted`` its associate or observer status) on that day.

So on an observation day every standing is certain, and the exporter reads the panel back
from the events on the same days. For a year *Y* from 1965 on, ``members(IGO, on="Y")`` lists
every state coded 1 that year (``during`` all or part), and a state listed as a member for all
of *Y* with certainty is coded 1 (or its cell is missing).

Kinds: ``joined`` (to full membership), ``granted`` (associate or observer status),
``ceased`` (the panel shows the end of a standing, never its cause: withdrawal, expulsion or
the end of a state); member to associate is ``ceased`` then ``granted`` in one window. Each IGO
ends with ``attested`` dated its last coded year (2014 for the IGOs alive at the end of v3): the
panel speaks for it until 31 December of that year, and answers after it are ``unattested``.
"""

from __future__ import annotations

import calendar
import csv
from collections import Counter
from collections.abc import Iterable
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

import attrs

from ...events.dates import When
from ...events.model import CoverageEvent, Event, ParticipationEvent, Source, SubjectEvent
from .cow_panel import MISSING_VALUES, CowPanel, ImputedRow, MissingRun, PanelRow
from .cow_states import (
    CODE_TABLE_REF,
    STATES_REF,
    CowDataError,
    StateSystem,
    open_text,
)

__all__ = [
    "CODE_TABLE_TITLE",
    "STANDING_OF_CODE",
    "STATES_TITLE",
    "TITLE",
    "CowImport",
    "cow_subject_id",
    "import_cow_igo_year",
    "window_text",
]

TITLE = (
    "Correlates of War IGO data v3.0, IGO-year panel (Pevehouse, Nordstrom, McManus & Jamison 2020, "
    "Journal of Peace Research 57(3))"
)
STATES_TITLE = "Correlates of War state system membership v2016 (states2016)"
CODE_TABLE_TITLE = "COW state to ISO 3166 code table of the Timeline Engine's COW importer"
STANDING_OF_CODE = {"0": None, "1": "member", "2": "associate", "3": "observer"}
_ALLOWED = set(STANDING_OF_CODE) | set(MISSING_VALUES)
_NONZERO = {"1", "2", "3"}
_REQUIRED = ("ioname", "year", "sdate")


@attrs.frozen
class CowImport:
    """What an import gives: the events, the panel record beside them, and the codes it named."""

    events: tuple[Event, ...]
    panel: CowPanel
    parties: dict[str, str]  # user-assigned codes used, with their names (registered)

    def counts(self) -> dict[str, int]:
        """Events by kind."""
        return dict(Counter(e.kind for e in self.events))


def cow_subject_id(ioname: str, prefix: str = "") -> str:
    """``ioname`` as a subject id: upper case; characters outside ``A-Z 0-9 . _ -`` become ``-``."""
    text = (prefix + ioname).upper()
    out = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "-" for c in text)
    if not out or not out[0].isalnum():
        out = "X" + out
    return out[:64]


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


class _Obs(NamedTuple):
    """What the panel says about one party on one day."""

    day: int
    year: int
    standing: str | None
    kind: str  # "code" | "absent" (not in the state system) | "continued" | "continues" (code changes)
    cells: tuple[tuple[int, str, str], ...]  # (year, column, raw value) of the cells behind it


def _cells_text(cells: Iterable[tuple[int, str, str]]) -> str:
    """``year=1990, russia=1; year=1991, russia=1``: cells grouped by year, each once."""
    by_year: dict[int, list[str]] = {}
    for y, c, v in cells:
        text = f"{c}={_shown(v)}"
        if text not in by_year.setdefault(y, []):
            by_year[y].append(text)
    return "; ".join(f"year={y}, " + ", ".join(texts) for y, texts in sorted(by_year.items()))


class _Reader:
    """Reads the file IGO by IGO (its rows must be together, in year order)."""

    def __init__(self, path: Path, system: StateSystem):
        self.path = path
        self.system = system

    def igos(self):
        with open_text(self.path) as f:
            reader = csv.reader(f)
            try:
                header = next(reader)
            except StopIteration:
                raise CowDataError(f"{self.path}: empty file (expected the COW IGO-year header)") from None
            except csv.Error as e:
                raise CowDataError(f"{self.path}:1: not valid CSV ({e})") from None
            missing = [c for c in _REQUIRED if c not in header]
            if missing:
                raise CowDataError(
                    f"{self.path}:1: expected the COW IGO-year columns {', '.join(_REQUIRED)}; missing {missing[0]!r}"
                )
            if len(set(header)) != len(header):
                dup = next(c for c in header if header.count(c) > 1)
                raise CowDataError(f"{self.path}:1: column {dup!r} appears twice")
            states = [(i, c) for i, c in enumerate(header) if c in self.system.periods]
            if not states:
                raise CowDataError(f"{self.path}:1: no COW state columns (afghanistan … zimbabwe) in the header")
            yield header, states
            at_io, at_year = header.index("ioname"), header.index("year")
            seen: set[str] = set()
            current: str | None = None
            group: list[tuple[int, int, list[str]]] = []
            canon = {v: v for v in _ALLOWED}
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    raise CowDataError(f"{self.path}:{reader.line_num}: not valid CSV ({e})") from None
                line = reader.line_num
                if not row:
                    continue
                if len(row) != len(header):
                    raise CowDataError(f"{self.path}:{line}: expected {len(header)} columns, found {len(row)}")
                try:
                    year = int(row[at_year])
                except ValueError:
                    raise CowDataError(
                        f"{self.path}:{line}: year must be a whole number, found {row[at_year]!r}"
                    ) from None
                for i, c in states:
                    v = row[i]
                    got = canon.get(v)
                    if got is None:
                        raise CowDataError(
                            f"{self.path}:{line}: {c} = {v!r} is not a COW membership code "
                            "(expected 0, 1, 2, 3, -9, -1 or an empty cell)"
                        )
                    row[i] = got
                ioname = row[at_io]
                if ioname != current:
                    if group:
                        yield current, group
                    if ioname in seen:
                        raise CowDataError(
                            f"{self.path}:{line}: the rows of IGO {ioname!r} are not together (sort the file by ioname and year)"
                        )
                    seen.add(ioname)
                    current, group = ioname, []
                elif year <= group[-1][1]:
                    raise CowDataError(
                        f"{self.path}:{line}: {ioname} {year} comes after {group[-1][1]} (each IGO's years must increase)"
                    )
                group.append((line, year, row))
            if group:
                yield current, group


def _groups(system: StateSystem, columns: list[str]) -> dict[str, frozenset[str]]:
    """For each column, the columns that share an ISO code with it (directly or through others)."""
    codes = {c: {p.iso3 for p in system.periods[c]} for c in columns}
    out: dict[str, frozenset[str]] = {}
    for c in columns:
        if c in out:
            continue
        group, todo = {c}, [c]
        while todo:
            x = todo.pop()
            for y in columns:
                if y not in group and codes[x] & codes[y]:
                    group.add(y)
                    todo.append(y)
        for x in group:
            out[x] = frozenset(group)
    return out


class _IgoBuilder:
    """Turns one IGO's rows into events and panel records."""

    def __init__(self, ref: str, header: list[str], states: list[tuple[int, str]], system: StateSystem, prefix: str):
        self.ref = ref
        self.header = header
        self.states = states
        self.system = system
        self.prefix = prefix
        self.igo_columns = [(i, c) for i, c in enumerate(header) if c not in set(system.periods)]
        self.groups = _groups(system, [c for _, c in states])
        self.columns_of: dict[str, tuple[str, ...]] = {}
        for _, c in states:
            for period in system.periods[c]:
                if c not in self.columns_of.get(period.iso3, ()):
                    self.columns_of[period.iso3] = self.columns_of.get(period.iso3, ()) + (c,)
        self.used_codes: set[str] = set()
        self._observed: dict[tuple[str, int], tuple[int, str]] = {}

    def _field(self, row: list[str], name: str) -> str:
        return row[self.header.index(name)] if name in self.header else ""

    def build(self, ioname: str, group: list) -> tuple[list[Event], list[PanelRow], list[MissingRun], list[ImputedRow]]:
        sid = cow_subject_id(ioname, self.prefix)
        first_line, first_year, first = group[0]
        years = [y for _, y, _ in group]
        shared: dict[str, str] = {}  # an IGO's fields repeat row after row: keep one copy of each text
        rows = [
            PanelRow(ioname, sid, y, tuple(shared.setdefault(row[i], row[i]) for i, _ in self.igo_columns))
            for _, y, row in group
        ]
        at_imputed = self.header.index("imputed") if "imputed" in self.header else None
        imputed_years = {y for _, y, row in group if at_imputed is not None and row[at_imputed] == "1"}
        imputed = [
            ImputedRow(ioname, y, ",".join(row[i] for i, _ in self.states)) for _, y, row in group if y in imputed_years
        ]
        events: list[Event] = []
        sdate = self._field(first, "sdate")
        try:
            founded_year = int(sdate)
        except ValueError:
            raise CowDataError(f"{self.ref}:{first_line}: {ioname}: sdate must be a year, found {sdate!r}") from None
        if founded_year > first_year:
            raise CowDataError(
                f"{self.ref}:{first_line}: {ioname} has a row for {first_year}, before its sdate {founded_year}"
            )
        events.append(self._founded(ioname, sid, first, sdate))
        deaddate = self._field(first, "deaddate")
        if deaddate:
            events.append(self._dissolved(ioname, sid, first_line, deaddate, founded_year))

        missing: list[MissingRun] = []
        columns: dict[str, list[str]] = {}
        nonzero: set[str] = set()
        for i, c in self.states:
            values = [row[i] for _, _, row in group]
            columns[c] = values
            k = 0
            for v, run in groupby(values):
                n = len(list(run))
                if v in MISSING_VALUES:
                    missing.append(MissingRun(ioname, c, years[k], years[k + n - 1], v))
                k += n
            if not _NONZERO.isdisjoint(values):
                nonzero.add(c)
        wanted = set().union(*(self.groups[c] for c in nonzero)) if nonzero else set()
        obs: dict[str, dict[int, _Obs]] = {}
        by_column: dict[str, list[tuple[_Obs, str]]] = {}
        cache = self._observed
        for c in sorted(wanted):
            # imputed rows (COW's fill between five-yearly observations before 1965) are not observations
            coded = [(y, v) for y, v in zip(years, columns[c]) if v not in MISSING_VALUES and y not in imputed_years]
            last = len(coded) - 1
            for j, (y, v) in enumerate(coded):
                # inside a run of zeros only its ends matter: they bound the changes around it
                if v == "0" and 0 < j < last and coded[j - 1][1] == "0" and coded[j + 1][1] == "0":
                    continue
                hit = cache.get((c, y))
                if hit is None:
                    hit = cache[(c, y)] = self.system.observed_day(c, y)
                day, code = hit
                o = _Obs(day, y, STANDING_OF_CODE[v], "code", ((y, c, v),))
                by_column.setdefault(c, []).append((o, code))
                have = obs.setdefault(code, {}).get(day)
                if have is None:
                    obs[code][day] = o
                elif have.standing == o.standing:
                    obs[code][day] = have._replace(cells=have.cells + o.cells)
                else:
                    cells = _cells_text(have.cells + o.cells)
                    raise CowDataError(
                        f"{self.ref}: {ioname} {y}: columns that both stand for {code} disagree ({cells}); "
                        f"fix the code table ({CODE_TABLE_REF}) or the panel"
                    )
        parties = {p for p, days in obs.items() if any(o.standing for o in days.values())}
        self._successions(by_column, obs)
        last_day = date(max(years[-1], int(deaddate) if deaddate else years[-1]), 12, 31).toordinal()
        for p in sorted(parties):
            self.used_codes.add(p)
            series = self._with_absences(p, obs[p], years, columns, last_day)
            events.extend(self._transitions(ioname, sid, p, series, sdate))
        events = self._dissolution_checked(events)
        # beside the lifecycle events, before the memberships
        lifecycle = sum(e.kind in ("founded", "dissolved") for e in events)
        events.insert(lifecycle, self._attested(ioname, sid, max(years[-1], *(e.when.hi.year for e in events))))
        return events, rows, missing, imputed

    def _attested(self, ioname: str, sid: str, year: int) -> CoverageEvent:
        """The panel speaks for an IGO through its last coded year (for a living IGO, 2014 in v3):
        after it the record says nothing, so nothing is certain."""
        return CoverageEvent(
            id=f"cow-{sid.lower()}-attested-{year:04d}",
            kind="attested",
            subject=sid,
            date=When(f"{year:04d}", date(year, 1, 1), date(year, 12, 31)),
            sources=(Source(title=TITLE, ref=self.ref, quote=f"ioname={ioname}, last year coded: {year}"),),
            note="the COW IGO-year panel codes this IGO through this year",
        )

    @staticmethod
    def _dissolution_checked(events: list[Event]) -> list[Event]:
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

    # -- observations -----------------------------------------------------------------------
    def _successions(self, by_column, obs) -> None:
        """Where a column changes code with the same standing on both sides, the standing passes on that day."""
        for c, seq in by_column.items():
            for a, b in zip(self.system.periods[c], self.system.periods[c][1:]):
                s = b.start
                before = [(o, code) for o, code in seq if o.day < s]
                after = [(o, code) for o, code in seq if o.day >= s]
                if not before or not after:
                    continue
                (ob, code_b), (oa, code_a) = before[-1], after[0]
                if ob.standing is None or ob.standing != oa.standing or code_b != a.iso3 or code_a != b.iso3:
                    continue
                cells = ob.cells + oa.cells
                obs[a.iso3].setdefault(
                    s - 1, _Obs(s - 1, date.fromordinal(s - 1).year, ob.standing, "continued", cells)
                )
                obs[b.iso3].setdefault(s, _Obs(s, date.fromordinal(s).year, oa.standing, "continues", cells))

    def _with_absences(self, p: str, days: dict[int, _Obs], years: list[int], columns, last_day: int) -> list[_Obs]:
        """The party's observations, with the panel years in which it was not in the state system
        (and the end of its existence if that comes before the IGO's last year)."""
        have_years = {o.year for o in days.values() if o.kind == "code"}
        series = list(days.values())
        mine = self.columns_of.get(p, ())
        existing = self.system.years_of(p)
        for k, y in enumerate(years):
            if y in have_years or y in existing:
                continue
            cells = tuple(
                (y, c, columns[c][k]) for c in mine if c in columns and self.system.observed_day(c, y)[1] == p
            )
            series.append(_Obs(date(y, 12, 31).toordinal(), y, None, "absent", cells))
        series.sort(key=lambda o: o.day)
        last = series[-1]
        if last.standing is not None:
            spell = self.system.spell_at(p, last.day)
            if spell is not None and spell.end + 1 <= last_day:
                end = spell.end + 1
                series.append(_Obs(end, date.fromordinal(end).year, None, "absent", ()))
        return series

    # -- events -----------------------------------------------------------------------------
    def _transitions(self, ioname: str, sid: str, p: str, series: list[_Obs], founded: str) -> list[Event]:
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

    def _cell_source(self, ioname: str, prev: _Obs | None, o: _Obs) -> Source:
        cells = (prev.cells if prev is not None else ()) + o.cells
        quote = f"ioname={ioname}; {_cells_text(cells)}" if cells else f"ioname={ioname}"
        return Source(title=TITLE, ref=self.ref, quote=quote)

    def _bound(self, ref: str, quote: str) -> Source:
        title = STATES_TITLE if ref == STATES_REF else CODE_TABLE_TITLE
        return Source(title=title, ref=ref, quote=quote or None)

    @staticmethod
    def _describe(o: _Obs) -> str:
        return ", ".join(f"{c}={_shown(v)}" for year, c, v in o.cells if year == o.year) + f" in {o.year}"

    def _note(self, p: str, prev: _Obs | None, o: _Obs, hi: int, founded: str) -> str:
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

    def _founded(self, ioname: str, sid: str, row: list[str], sdate: str) -> SubjectEvent:
        orgname = self._field(row, "orgname") or ioname
        longname = self._field(row, "longorgname")
        ionum = self._field(row, "ionum")
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
            date=When(f"{year:04d}", date(year, 1, 1), date(year, 12, 31)),
            name=orgname,
            subject_kind="organization",
            sources=(Source(title=TITLE, ref=self.ref, quote=f"ioname={ioname}, orgname={orgname}, sdate={sdate}"),),
            note="; ".join(bits),
        )

    def _dissolved(self, ioname: str, sid: str, line: int, deaddate: str, founded_year: int) -> SubjectEvent:
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
            date=When(f"{year:04d}", date(year, 1, 1), date(year, 12, 31)),
            sources=(Source(title=TITLE, ref=self.ref, quote=f"ioname={ioname}, deaddate={deaddate}"),),
        )


def import_cow_igo_year(
    path: str | Path,
    *,
    states_path: str | Path | None = None,
    code_table: str | Path | None = None,
    subject_prefix: str = "",
    ref: str | None = None,
) -> CowImport:
    """Read the COW IGO-year panel: events for every IGO and state, and the panel record.

    ``states_path`` is COW's ``states2016.csv.gz`` (by default beside ``path``); ``code_table``
    replaces the bundled COW-to-ISO table; ``subject_prefix`` is put before every subject id
    (``COW-`` keeps them apart from the catalog's CSTO, SCO …); ``ref`` names the file in the
    sources (``cow-igo-v3/<file name>`` by default). User-assigned party codes are registered.
    """
    path = Path(path)
    if states_path is None:
        states_path = path.with_name("states2016.csv.gz")
        if not states_path.is_file():
            raise CowDataError(
                f"{path}: the COW state system file is needed beside it ({states_path.name} not found); "
                "pass --states FILE (states_path=… in Python) to say where it is"
            )
    system = StateSystem.load(states_path, code_table)
    ref = ref or f"cow-igo-v3/{path.name}"
    reader = _Reader(path, system)
    igos = reader.igos()
    header, states = next(igos)
    builder = _IgoBuilder(ref, header, states, system, subject_prefix)
    events: list[Event] = []
    rows: list[PanelRow] = []
    missing: list[MissingRun] = []
    imputed: list[ImputedRow] = []
    subjects: dict[str, str] = {}
    for ioname, group in igos:
        sid = cow_subject_id(ioname, subject_prefix)
        if sid in subjects:
            raise CowDataError(f"{path}: IGOs {subjects[sid]!r} and {ioname!r} would both be subject {sid}")
        subjects[sid] = ioname
        e, r, m, i = builder.build(ioname, group)
        imputed.extend(i)
        events.extend(e)
        rows.extend(r)
        missing.extend(m)
    ids = Counter(e.id for e in events)
    twice = [i for i, n in ids.items() if n > 1]
    if twice:  # pragma: no cover - one transition per party and window
        raise CowDataError(f"{path}: the import would give two events the id {twice[0]!r}")
    names = system.user_assigned_names()
    missing.sort(key=lambda m: (m.ioname, m.column, m.first_year))
    imputed.sort(key=lambda i: (i.ioname, i.year))
    panel = CowPanel(
        source=ref,
        header=tuple(header),
        state_columns=tuple(c for _, c in states),
        rows=tuple(rows),
        missing=tuple(missing),
        imputed=tuple(imputed),
        system=system,
    )
    used = {code: name for code, name in names.items() if code in builder.used_codes}
    return CowImport(events=tuple(events), panel=panel, parties=used)
