"""What a record says about each cell of a panel: per subject and state, an array over the
years of COW membership codes (``1``, ``2`` associate, ``3`` observer, ``0``, missing), read on each
cell's observation day; each state's Correlates of War codes on a day; and how far the record
covers each subject (``engine.panel`` explains the rules and makes the shapes of them).
"""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from importlib import resources

import numpy as np

from ..events.vocabulary import FULL_STANDING
from .coverage import last_covered_year
from .datasets.cow_export import standings_after
from .datasets.cow_panel import TABLES, CowPanel
from .datasets.cow_states import read_code_table

__all__ = ["CODE", "MISSING", "UNCODED", "Cells", "code_table", "coverage", "cow_codes", "cow_panel_of"]

CODE = {"associate": 2, "observer": 3}
MISSING = -1  # in the arrays: a missing cell
UNCODED = -2  # in the arrays: a standing COW has no code for (missing in the cells, not full in the counts)

# Two COW states for one ISO code: (ISO, last day of the first COW column, first, second), from
# the COW state system v2016 (states2016.csv: GFR 260 1955-05-05..1990-10-02, GMY 255 from
# 1990-10-03; YAR 678 1926-09-02..1990-05-21, YEM 679 from 1990-05-22).
_SHARED_ISO = {
    "DEU": ((date(1955, 5, 5), date(1990, 10, 2)), "wgermany", "germany"),
    "YEM": ((date(1, 1, 1), date(1990, 5, 21)), "nyemen", "yemen"),
}


@lru_cache(maxsize=1)
def code_table() -> tuple[dict[str, tuple[int, str]], tuple[tuple[str, str, int, int], ...]]:
    """({column: (ccode, stateabb)}, ((column, iso3, first day, last day), …)) from the bundled table."""
    text = (resources.files("timeline_engine.engine.datasets") / "cow_states.csv").read_text(encoding="utf-8")
    cow = {r["column"]: (int(r["ccode"]), r["stateabb"]) for r in csv.DictReader(text.splitlines())}
    periods = tuple((p.column, p.iso3, p.start, p.end) for p in read_code_table())
    return cow, periods


def cow_codes(iso3: str, day: date) -> tuple[int | None, str | None, str | None]:
    """(ccode, stateabb, COW column) of the state an ISO code names on a day; Nones when COW has none."""
    return _cow_codes(iso3, day.toordinal())


@lru_cache(maxsize=65536)
def _cow_codes(iso3: str, n: int) -> tuple[int | None, str | None, str | None]:
    cow, periods = code_table()
    day = date.fromordinal(n)
    columns = [c for c, code, lo, hi in periods if code == iso3 and lo <= n <= hi]
    if not columns:
        return None, None, None
    column = columns[0]
    if len(columns) > 1 and iso3 in _SHARED_ISO:
        (lo, hi), first, second = _SHARED_ISO[iso3]
        column = first if lo <= day <= hi else second
    ccode, abb = cow[column]
    return ccode, abb, column


def cow_panel_of(tl):
    """The COW panel record a store keeps beside an import from the COW panel, or None."""
    side = tl.store.side_records("cow-igo") if tl.store is not None else {}
    if not side:
        return None
    # a store keeps no rows for a table the import left empty (no imputed rows, no missing cells)
    return CowPanel.from_tables({t: side.get(t, []) for t in TABLES})


def coverage(tl, subjects, cow=None) -> dict[str, int]:
    """The last year the record speaks for, per subject (see the module's docstring): the last
    year whose every day its ``attested`` event covers; for a subject without one, the panel's
    last row (a COW store) or the year of the subject's last event."""
    declared = {s.id: last_covered_year(tl.record.coverage(s.id)) for s in subjects}
    if all(y is not None for y in declared.values()):
        return {sid: int(y) for sid, y in declared.items() if y is not None}
    return {**_conservative(tl, subjects, cow), **{sid: y for sid, y in declared.items() if y is not None}}


def _roster(covered) -> frozenset[str] | None:
    return frozenset(covered.parties) if covered is not None and covered.parties is not None else None


def _conservative(tl, subjects, cow=None) -> dict[str, int]:
    """The last year of a record that declares no coverage: its last panel row or event."""
    if cow is not None:
        out: dict[str, int] = {}
        for r in cow.rows:
            out[r.subject] = max(out.get(r.subject, r.year), r.year)
        return {s.id: out.get(s.id, s.founded.when.lo.year) for s in subjects}
    con, _ = tl.connection()
    rows = con.execute(
        "SELECT subject, max(year(effective_from)) FROM events WHERE effective_from IS NOT NULL GROUP BY subject"
    ).fetchall()
    last = dict(rows)
    return {s.id: int(last.get(s.id) or s.founded.when.lo.year) for s in subjects}


class Cells:
    """What a record says, cell by cell: codes[(subject, party)] -> array over the years."""

    def __init__(self, tl, subjects, years: range):
        self.tl, self.subjects, self.years = tl, subjects, years
        self.cow = cow_panel_of(tl)
        self.system = self.cow.system if self.cow is not None else None
        self.known_until = coverage(tl, subjects, self.cow)
        # the parties a partial roster covers (None: every party): the others' cells are missing
        self.rosters = {s.id: _roster(tl.record.coverage(s.id)) for s in subjects}
        self.uncoded: set[str] = set()
        self._present: dict[int, frozenset[str]] = {}
        self._rows: dict[str, list[int]] = {}
        if self.cow is not None:
            for r in self.cow.rows:
                self._rows.setdefault(r.subject, []).append(r.year)
        self._coded = {code for _, code, _, _ in code_table()[1]}
        if self.system is not None:
            self._coded |= {p.iso3 for periods in self.system.periods.values() for p in periods}
        self.codes: dict[tuple[str, str], np.ndarray] = {}
        self.parties: set[str] = set()
        kept = self._kept()
        for s in subjects:
            full = FULL_STANDING[s.kind]
            gone = s.dissolved
            last_day = gone.when.hi.toordinal() - 1 if gone is not None else None
            gone_id = gone.id if gone is not None else None
            living = self.living(s)
            unobserved = self.unobserved(s)
            for party, track in tl.party_tracks(s.id).items():
                self.parties.add(party)
                out = np.zeros(len(years), dtype=np.int8)
                asked: list[tuple[int, int]] = []  # (year index, day), searched at once
                for i, y in enumerate(years):
                    if not living[i]:
                        continue  # the subject did not exist: 0
                    if y > self.known_until[s.id] or y in unobserved:
                        out[i] = MISSING
                        continue
                    day = self.observed_day(party, y)
                    asked.append((i, min(day, last_day) if last_day is not None else day))
                found = standings_after(track, [d for _, d in asked], gone_id)
                for (i, _), standing in zip(asked, found, strict=True):
                    if standing is None:
                        continue
                    code = 1 if standing == full else CODE.get(standing)
                    if code is None:
                        self.uncoded.add(standing)
                        code = UNCODED
                    out[i] = code
                self.codes[(s.id, party)] = out
            for party, cells in kept.get(s.id, {}).items():
                self.parties.add(party)
                out = self.codes.setdefault((s.id, party), self.default(s))
                for i, y in enumerate(years):
                    if y in cells:
                        out[i] = cells[y]

    def unobserved(self, s) -> set[int]:
        """In a COW store, the years of the subject's life (founding to dissolution) the panel has
        no row for (between its five-yearly rows before 1965, or gaps): its cells are missing."""
        if self.cow is None:
            return set()
        first, last = self.life(s)
        rows = set(self._rows.get(s.id, ()))
        return {y for y in self.years if first <= y <= last and y not in rows}

    @staticmethod
    def life(s) -> tuple[int, int]:
        return s.founded.when.lo.year, (s.dissolved.when.hi.year if s.dissolved is not None else 9999)

    def living(self, s) -> np.ndarray:
        """Per year of the panel, whether the subject existed: from the year of its founding to the
        year of its dissolution."""
        years = np.array(list(self.years), dtype=np.int64)
        first, last = self.life(s)
        return (years >= first) & (years <= last)

    def _kept(self) -> dict[str, dict[str, dict[int, int]]]:
        """{subject: {party: {year: code}}}: the cells a COW panel record keeps as they are, for the
        columns whose state was in the system that year: missing cells (``-9``, ``-1``, empty:
        ``MISSING``) and the cells of rows COW filled in (``imputed``: their codes as written)."""
        out: dict[str, dict[str, dict[int, int]]] = {}
        if self.cow is None or self.system is None:
            return out
        system = self.system
        subject_of = self.cow.subjects

        def in_system(column: str, year: int) -> bool:
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            return any(sp.start <= last and sp.end >= first for sp in system.spells.get(column, ()))

        def keep(sid: str, column: str, year: int, code: int) -> None:
            # only the column that describes the party on its own observation day (in 1990 COW's
            # germany, not wgermany, which left the system on 3 October)
            if in_system(column, year):
                day, party = system.observed_day(column, year)
                if day == self.observed_day(party, year):
                    out.setdefault(sid, {}).setdefault(party, {})[year] = code

        for run in self.cow.missing:
            sid = subject_of.get(run.ioname)
            if sid is not None:
                for y in range(run.first_year, run.last_year + 1):
                    keep(sid, run.column, y, MISSING)
        for row in self.cow.imputed:
            sid = subject_of.get(row.ioname)
            if sid is not None:
                for column, cell in zip(self.cow.state_columns, row.cells.split(",")):
                    keep(sid, column, row.year, int(cell) if cell in ("0", "1", "2", "3") else MISSING)
        return out

    def observed_day(self, party: str, year: int) -> int:
        """The last day of ``year`` (the last day the state was in the COW state system, when known)."""
        last = date(year, 12, 31).toordinal()
        if self.system is None:
            return last
        first = date(year, 1, 1).toordinal()
        ends = [min(s.end, last) for s in self.system.party_spells(party) if s.start <= last and s.end >= first]
        return max(ends) if ends else last

    def exists(self, party: str, year: int) -> bool:
        """Whether the party has a row in ``year``: it is what some COW state stands for at the end
        of the year (with a state system: on the column's observation day, while in the system),
        or a state COW does not code."""
        present = self._present.get(year)
        if present is None:
            present = self._present[year] = self._present_in(year)
        return party in present or party not in self._coded

    def _present_in(self, year: int) -> frozenset[str]:
        if self.system is not None:
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            return frozenset(
                self.system.observed_day(c, year)[1]
                for c, spells in self.system.spells.items()
                if any(sp.start <= last and sp.end >= first for sp in spells)
            )
        _, periods = code_table()
        n = date(year, 12, 31).toordinal()
        return frozenset(code for _, code, lo, hi in periods if lo <= n <= hi)

    def default(self, s, party: str | None = None) -> np.ndarray:
        """The cells of a state the record says nothing about: 0 while the record covers the
        subject (or it did not exist), missing beyond its coverage and in years the panel did not
        observe; missing in every year the subject existed when the record covers only some
        parties (a partial roster) and not this one."""
        years = np.array(list(self.years), dtype=np.int64)
        unknown = self.living(s) & ((years > self.known_until[s.id]) | np.isin(years, sorted(self.unobserved(s))))
        roster = self.rosters.get(s.id)
        if roster is not None and party not in roster:
            unknown = self.living(s)
        return np.where(unknown, np.int8(MISSING), np.int8(0)).astype(np.int8)

    def cube(self) -> tuple[list[str], np.ndarray]:
        """(parties, codes): every cell as an array subjects × parties × years (``MISSING`` -1)."""
        parties = sorted(self.parties)
        cube = np.zeros((len(self.subjects), len(parties), len(self.years)), dtype=np.int8)
        at = {p: k for k, p in enumerate(parties)}
        for n, s in enumerate(self.subjects):
            cube[n, :, :] = self.default(s)
            for p in parties:
                arr = self.codes.get((s.id, p))
                if arr is None and self.rosters.get(s.id) is not None:
                    arr = self.default(s, p)
                if arr is not None:
                    cube[n, at[p], :] = arr
        return parties, cube
