"""Panels keyed the way the field keys them: state-year, dyad-year and IGO-year frames with the
Correlates of War country codes, from any record (the catalog, event files, any store).

A cell is the COW membership code of a state in a subject on the cell's *observation day*: the
last day of the year (or the last day the subject existed, in the year it was dissolved; in a
store imported from the COW panel, the last day of the year the state was in the COW state
system, as COW reads its own cells), taking every transition that may have happened by then as
done (``engine.datasets.cow_export.standing_after``):

* ``1`` full participation (``member`` of an organization, ``party`` to a treaty),
  ``2`` ``associate``, ``3`` ``observer``, ``0`` none (or the subject did not exist that year);
* missing (empty in CSV, null in Parquet and JSON lines) where the record does not say:
  a standing COW has no code for (``dialogue-partner``, ``suspended``, ``signatory`` …), a
  cell the COW panel itself left missing, a state outside the COW state system, and every year
  after the record's **coverage** of the subject: the last year whose every day the subject's
  ``attested`` event covers (``engine.coverage``; the COW importer attests each IGO through its
  last coded year). For a record that declares no coverage of a subject it is taken
  conservatively: up to the year of the last event the record holds for the subject (for a
  store imported from the COW panel, the subject's last year in the panel). A year beyond it is
  missing, never ``0``. Where the record covers only some parties of a subject (a partial
  roster: the catalog's OSCE and UN treaties hold the five Central Asian states), the cells of
  every other state are missing too.

Shapes (:data:`SHAPES`):

* ``state-year``: one row per state and year (``iso3``, ``ccode``, ``stateabb``, ``year``),
  ``memberships`` (the number of subjects it was a full member of; missing when ``unknown`` is
  not 0), ``unknown`` (how many of its cells the record does not cover: beyond its coverage or
  left missing by the COW panel; a standing COW has no code for is missing in its cell, but
  known not to be a full membership) and one column per subject with the code;
* ``dyad-year``: one row per pair of states (``iso3_1`` < ``iso3_2``) and year, ``shared``: the
  number of subjects both were full members of (peacesciencer's ``add_igos``); missing when
  either state has an ``unknown`` cell that year;
* ``igo-year``: one row per subject and year it existed (``ioname``, ``orgname``, ``year``) and
  one column per COW state (``afghanistan`` … ``zimbabwe``), as in the COW IGO-year panel.

``ccode`` and ``stateabb`` come from the bundled code table (``engine/datasets/cow_states.csv``)
for the ISO code on the observation day; where two COW states share one ISO code (``DEU``:
GFR 260 to 1990-10-02, then GMY 255; ``YEM``: YAR 678 to 1990-05-21, then YEM 679) the COW
state system's dates (``states2016.csv``) decide. A state the table does not know keeps its
``iso3`` with ``ccode`` and ``stateabb`` missing, and has no column in the IGO-year shape.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

import numpy as np

from ..events.errors import BadArgument, TimelineError
from ..events.vocabulary import FULL_STANDING
from .arrow_tables import html_table
from .coverage import last_covered_year
from .datasets.cow_export import CowExportError, standing_after, write_cow_igo_year
from .datasets.cow_panel import TABLES, CowPanel
from .datasets.cow_states import read_code_table
from .frames import Frames
from .lazy import LazyModule

# pyarrow takes ~0.15 s to import: only a panel written or turned into a frame pays for it
pa: Any = LazyModule("pyarrow")
pq: Any = LazyModule("pyarrow.parquet")

__all__ = [
    "SHAPES",
    "Panel",
    "coverage",
    "cow_codes",
    "cow_panel_of",
    "csv_text",
    "output_format",
    "panel",
    "write_panel",
]

SHAPES = ("state-year", "dyad-year", "igo-year")
CODE = {"associate": 2, "observer": 3}
MISSING = -1  # in the arrays: a missing cell
UNCODED = -2  # in the arrays: a standing COW has no code for (missing in the cells, not full in the counts)
FORMATS = {".csv": "csv", ".gz": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}

# Two COW states for one ISO code: (ISO, last day of the first COW column, first, second), from
# the COW state system v2016 (states2016.csv: GFR 260 1955-05-05..1990-10-02, GMY 255 from
# 1990-10-03; YAR 678 1926-09-02..1990-05-21, YEM 679 from 1990-05-22).
_SHARED_ISO = {
    "DEU": ((date(1955, 5, 5), date(1990, 10, 2)), "wgermany", "germany"),
    "YEM": ((date(1, 1, 1), date(1990, 5, 21)), "nyemen", "yemen"),
}


@lru_cache(maxsize=1)
def _code_table() -> tuple[dict[str, tuple[int, str]], tuple[tuple[str, str, int, int], ...]]:
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
    cow, periods = _code_table()
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


class _Source:
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
        self._coded = {code for _, code, _, _ in _code_table()[1]}
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
                for i, y in enumerate(years):
                    if not living[i]:
                        continue  # the subject did not exist: 0
                    if y > self.known_until[s.id] or y in unobserved:
                        out[i] = MISSING
                        continue
                    day = self.observed_day(party, y)
                    if last_day is not None:
                        day = min(day, last_day)
                    standing = standing_after(track, day, gone_id)
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
        _, periods = _code_table()
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


def _nullable(values: np.ndarray, dtype=None) -> pa.Array:
    return pa.array(values, dtype or pa.int8(), mask=values < 0)


def _state_year(src: _Source) -> pa.Table:
    parties, cube = src.cube()
    sids = [s.id for s in src.subjects]
    iso, ccode, abb, year, picks = [], [], [], [], []
    for k, p in enumerate(parties):
        for i, y in enumerate(src.years):
            if not src.exists(p, y):
                continue
            c, a, _ = cow_codes(p, date.fromordinal(src.observed_day(p, y)))
            iso.append(p)
            ccode.append(c)
            abb.append(a)
            year.append(y)
            picks.append((k, i))
    ks = np.array([k for k, _ in picks], dtype=np.int64)
    ys = np.array([i for _, i in picks], dtype=np.int64)
    matrix = cube[:, ks, ys] if picks else np.zeros((len(sids), 0), dtype=np.int8)
    unknown = (matrix == MISSING).sum(axis=0)
    members = (matrix == 1).sum(axis=0)
    columns = {
        "iso3": pa.array(iso, pa.string()),
        "ccode": pa.array(ccode, pa.int32()),
        "stateabb": pa.array(abb, pa.string()),
        "year": pa.array(year, pa.int32()),
        "memberships": pa.array(members, pa.int32(), mask=unknown > 0),
        "unknown": pa.array(unknown, pa.int32()),
    }
    for k, sid in enumerate(sids):
        columns[sid] = _nullable(matrix[k])
    return pa.table(columns)


_DYAD_COLUMNS = (  # name, Arrow type (by name: pyarrow is imported when a panel is made)
    ("iso3_1", "string"),
    ("iso3_2", "string"),
    ("ccode1", "int32"),
    ("ccode2", "int32"),
    ("stateabb1", "string"),
    ("stateabb2", "string"),
    ("year", "int32"),
    ("shared", "int32"),
)


def _dyad_year(src: _Source) -> pa.Table:
    parties, cube = src.cube()
    parts: list[pa.Table] = [pa.table({n: pa.array([], t) for n, t in _DYAD_COLUMNS})]
    for i, y in enumerate(src.years):
        ks = [k for k, p in enumerate(parties) if src.exists(p, y)]
        if len(ks) < 2:
            continue
        here = [parties[k] for k in ks]
        m = cube[:, ks, i].T  # states × subjects
        full = (m == 1).astype(np.int32)
        unknown = (m == MISSING).any(axis=1)
        shared = full @ full.T
        a, b = np.triu_indices(len(here), k=1)
        codes = [cow_codes(p, date.fromordinal(src.observed_day(p, y))) for p in here]
        values = {
            "iso3_1": [here[k] for k in a],
            "iso3_2": [here[k] for k in b],
            "ccode1": [codes[k][0] for k in a],
            "ccode2": [codes[k][0] for k in b],
            "stateabb1": [codes[k][1] for k in a],
            "stateabb2": [codes[k][1] for k in b],
            "year": np.full(len(a), y),
        }
        table = {n: pa.array(values[n], t) for n, t in _DYAD_COLUMNS if n != "shared"}
        table["shared"] = pa.array(shared[a, b], pa.int32(), mask=unknown[a] | unknown[b])
        parts.append(pa.table(table))
    return pa.concat_tables(parts)


def _state_columns(src: _Source) -> list[str]:
    if src.cow is not None:
        return list(src.cow.state_columns)
    cow, _ = _code_table()
    return sorted(cow)


def _igo_year(src: _Source) -> pa.Table:
    columns = _state_columns(src)
    parties, cube = src.cube()
    at = {p: k for k, p in enumerate(parties)}
    _, periods = _code_table()
    by_column: dict[str, list[tuple[str, int, int]]] = {}
    for c, code, lo, hi in periods:
        by_column.setdefault(c, []).append((code, lo, hi))
    # Per year, the party each column stands for, as an index into the parties: -1 a state the
    # record has no track of (0), -2 none (outside the COW state system, or another COW state
    # holds the column's ISO code that year: missing).
    where = np.full((len(src.years), len(columns)), -2, dtype=np.int64)
    for i, y in enumerate(src.years):
        for k, c in enumerate(columns):
            if src.system is not None:
                day, party = src.system.observed_day(c, y)
                if not any(sp.start <= day <= sp.end for sp in src.system.spells.get(c, ())):
                    continue
            else:
                n = date(y, 12, 31).toordinal()
                party = next((code for code, lo, hi in by_column.get(c, ()) if lo <= n <= hi), None)
                if party is None or cow_codes(party, date(y, 12, 31))[2] != c:
                    continue
            where[i, k] = at.get(party, -1)
    ioname, orgname, year, rows = [], [], [], []
    for n, s in enumerate(src.subjects):
        living = src.living(s)
        default = src.default(s)
        for i, y in enumerate(src.years):
            if not living[i]:
                continue
            ioname.append(s.id)
            orgname.append(s.names[-1])
            year.append(y)
            w = where[i]
            row = np.where(w >= 0, cube[n, np.clip(w, 0, None), i] if parties else 0, default[i])
            rows.append(np.where(w == -2, MISSING, row).astype(np.int8))
    matrix = np.array(rows, dtype=np.int8).reshape(len(year), len(columns))
    out = {
        "ioname": pa.array(ioname, pa.string()),
        "orgname": pa.array(orgname, pa.string()),
        "year": pa.array(year, pa.int32()),
    }
    for k, c in enumerate(columns):
        out[c] = _nullable(matrix[:, k])
    return pa.table(out)


class Panel(Frames):
    """A panel (see the module's docstring): an Arrow table, its shape, and notes on what it leaves out."""

    def __init__(self, table: pa.Table, shape: str, notes: Sequence[str] = ()):
        self.table = table
        self.shape = shape
        self.notes = tuple(notes)

    def __len__(self) -> int:
        return self.table.num_rows

    def to_arrow(self, part: str | None = None) -> pa.Table:
        return self.table

    def to_json(self) -> list[dict]:
        return self.table.to_pylist()

    def _repr_html_(self) -> str:
        head = self.table.slice(0, 60).to_pylist()
        caption = f"{self.shape} panel: {self.table.num_rows} rows" + "".join(f" — {n}" for n in self.notes)
        return html_table(head, self.table.column_names, caption, limit=60) + (
            f"<p>… {self.table.num_rows - 60} more rows: use .to_pandas() to see them all</p>"
            if self.table.num_rows > 60
            else ""
        )

    def write(self, out: str | Path) -> int:
        """Write as CSV (``.csv``, ``.csv.gz``), Parquet (``.parquet``) or JSON lines (``.jsonl``); the rows."""
        return write_panel(self.table, out)


def panel(
    timeline,
    subjects: Iterable[str] | None = None,
    shape: str = "state-year",
    by: str = "year",
    start: int | None = None,
    end: int | None = None,
) -> Panel:
    """The record as a panel of one ``shape`` (``state-year``, ``dyad-year`` or ``igo-year``) by year.

    ``subjects`` (ids, aliases or names) default to every subject of the record; ``start`` and
    ``end`` (years) to the first founding and the last year the record covers.
    """
    if shape not in SHAPES:
        raise BadArgument(f"--shape {shape!r}: expected {', '.join(SHAPES)}")
    if by != "year":
        raise BadArgument(f"--by {by!r}: panels are by year")
    chosen = [timeline.subject(s) for s in subjects] if subjects else None
    if chosen is None:
        chosen = sorted(timeline.subjects_by_id.values(), key=lambda s: s.id)
    chosen = list({s.id: s for s in chosen}.values())
    if not chosen:
        raise TimelineError("the record holds no subject: nothing to make a panel of")
    known = coverage(timeline, chosen, cow_panel_of(timeline))
    first = start if start is not None else min(s.founded.when.lo.year for s in chosen)
    last = end if end is not None else max(known.values())
    if first > last:
        raise BadArgument(f"--from {first} is after --to {last}")
    src = _Source(timeline, chosen, range(first, last + 1))
    table = {"state-year": _state_year, "dyad-year": _dyad_year, "igo-year": _igo_year}[shape](src)
    ends = sorted(src.known_until.items())
    listed = ", ".join(f"{sid} {y}" for sid, y in ends[:12]) + (f" … ({len(ends)} subjects)" if len(ends) > 12 else "")
    notes = [f"cells after the last year the record covers for a subject are missing: {listed}"]
    if src.uncoded:
        notes.append(f"standings COW has no code for are missing: {', '.join(sorted(src.uncoded))}")
    if shape != "state-year":
        unknown = sorted(p for p in src.parties if cow_codes(p, date(min(last, 9999), 12, 31))[0] is None)
        if unknown:
            notes.append(f"no Correlates of War code for {', '.join(unknown)}")
    return Panel(table, shape, notes)


def output_format(path: str | Path) -> str:
    """``csv``, ``parquet`` or ``jsonl`` by a file's suffix; a BadArgument for any other."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None or (path.suffix.lower() == ".gz" and not path.name.lower().endswith(".csv.gz")):
        raise BadArgument(f"{path}: unknown output type; expected .csv, .csv.gz, .parquet or .jsonl")
    return kind


def write_panel(table: pa.Table, out: str | Path) -> int:
    """Write a table as CSV, Parquet or JSON lines by the file's suffix; the number of rows."""
    path = Path(out)
    kind = output_format(path)
    try:
        if kind == "parquet":
            pq.write_table(table, path)
        elif kind == "jsonl":
            with open(path, "w", encoding="utf-8") as f:
                for batch in table.to_batches(10_000):
                    for row in batch.to_pylist():
                        f.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif path.suffix.lower() == ".gz":
            with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
                write_csv(table, f)
        else:
            with open(path, "w", encoding="utf-8", newline="") as f:
                write_csv(table, f)
    except OSError as e:
        raise TimelineError(f"{path}: cannot write ({e.strerror or e})") from None
    return table.num_rows


def write_csv(table: pa.Table, out: IO[str]) -> None:
    """CSV with a header, missing cells empty, quotes only where needed (to a text file)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(table.column_names)
    for batch in table.to_batches(10_000):
        columns = [c.to_pylist() for c in batch.columns]
        for row in zip(*columns):
            w.writerow(["" if v is None else v for v in row])


def csv_text(table: pa.Table) -> str:
    buf = io.StringIO()
    write_csv(table, buf)
    return buf.getvalue()


def write_igo_year(timeline, out: str | Path) -> int:
    """The COW IGO-year file of any record (CSV, gzip-compressed for ``.gz``); the number of rows.

    A store imported from the COW panel gives the panel back value for value
    (``write_cow_igo_year`` with the panel record it keeps); any other record (the catalog,
    event files, a store of your own) gives the IGO-year shape of :func:`panel`: ``ioname``,
    ``orgname``, ``year`` and one column per COW state, coded 1, 2, 3 or 0, missing (empty)
    beyond the record's coverage or where the record does not say.
    """
    path = Path(out)
    if not path.name.lower().endswith((".csv", ".csv.gz")):
        raise CowExportError(f"{path}: the COW IGO-year file is CSV: name it .csv or .csv.gz")
    kept = cow_panel_of(timeline)
    if kept is not None:
        return write_cow_igo_year(timeline, kept, path)
    return panel(timeline, shape="igo-year").write(path)
