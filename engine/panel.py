"""Panels keyed the way the field keys them: state-year, dyad-year and IGO-year frames with the
Correlates of War country codes, from any record (the catalog, event files, any store).

A cell is the COW membership code of a state in a subject on the cell's *observation day*: the
last day of the year (or the last day the subject existed, in the year it was dissolved; in a
store imported from the COW panel, the last day of the year the state was in the COW state
system, as COW reads its own cells), taking every transition that may have happened by then as
done (``engine.datasets.cow_export.standings_after``):

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

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..events.errors import BadArgument, TimelineError
from .arrow_tables import html_table
from .datasets.cow_export import CowExportError, write_cow_igo_year
from .frames import Frames
from .lazy import LazyModule
from .panel_cells import MISSING, Cells, code_table, coverage, cow_codes, cow_panel_of
from .panel_files import write_panel

# pyarrow takes ~0.15 s to import: only a panel made or turned into a frame pays for it
pa: Any = LazyModule("pyarrow")

__all__ = ["SHAPES", "Panel", "panel", "write_igo_year"]

SHAPES = ("state-year", "dyad-year", "igo-year")


def _nullable(values: np.ndarray, dtype=None) -> pa.Array:
    return pa.array(values, dtype or pa.int8(), mask=values < 0)


def _state_year(src: Cells) -> pa.Table:
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


def _dyad_year(src: Cells) -> pa.Table:
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


def _state_columns(src: Cells) -> list[str]:
    if src.cow is not None:
        return list(src.cow.state_columns)
    cow, _ = code_table()
    return sorted(cow)


def _igo_year(src: Cells) -> pa.Table:
    columns = _state_columns(src)
    parties, cube = src.cube()
    at = {p: k for k, p in enumerate(parties)}
    _, periods = code_table()
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
    src = Cells(timeline, chosen, range(first, last + 1))
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
