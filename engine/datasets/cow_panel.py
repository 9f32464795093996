"""The panel record: what the COW IGO-year file holds besides membership facts.

Events carry what the panel says about memberships. Four things in the file are not
membership facts, and the exporter needs them to give the panel back value for value:

* the file's columns, in order (``header``), and which of them are state columns;
* each row's key and its IGO fields as written (``rows``: ``ioname``, ``year``, ``orgname``,
  ``sdate``, ``sourcesandnotes`` …), which also fixes the panel's years: five-yearly to
  1965, yearly after, and only while the IGO existed;
* the cells that hold no membership code (``missing``): ``-9`` (missing data), ``-1``
  (state not in the system) and empty cells, as runs over an IGO's consecutive rows;
* the rows COW marks ``imputed`` (its yearly fill between five-yearly observations before
  1965): not observations, so not events; kept with their state cells as written;
* the state system the import used (``system``): which ISO code a column stood for on a
  day, and when each COW state existed.

``CowPanel.to_tables()`` gives all of it as flat rows, one list per table, for a store to
keep beside its events; ``CowPanel.from_tables()`` reads them back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import attrs

from .cow_states import CowDataError, StateSystem

__all__ = ["MISSING_VALUES", "TABLES", "CowPanel", "ImputedRow", "MissingRun", "PanelRow"]

MISSING_VALUES = ("-9", "-1", "")
TABLES = ("cow_panel_header", "cow_panel_rows", "cow_panel_missing", "cow_panel_imputed", "cow_panel_states")


@attrs.frozen
class PanelRow:
    """One row of the panel without its state cells: key, subject id and the IGO fields as written."""

    ioname: str
    subject: str
    year: int
    values: tuple[str, ...]  # raw text of the IGO columns (``CowPanel.igo_columns``), in order


@attrs.frozen
class MissingRun:
    """Consecutive rows of one IGO in which one state column holds the same non-membership value."""

    ioname: str
    column: str
    first_year: int
    last_year: int
    value: str  # "-9", "-1" or "" (an empty cell)


@attrs.frozen
class ImputedRow:
    """A row COW filled in rather than observed: its state cells as written, in header order, joined by commas."""

    ioname: str
    year: int
    cells: str


@attrs.frozen
class CowPanel:
    """Everything the exporter needs besides the events (see the module's docstring)."""

    source: str
    header: tuple[str, ...]
    state_columns: tuple[str, ...]
    rows: tuple[PanelRow, ...]
    missing: tuple[MissingRun, ...]
    imputed: tuple[ImputedRow, ...]
    system: StateSystem = attrs.field(eq=False, repr=False)

    @property
    def igo_columns(self) -> tuple[str, ...]:
        """The non-state columns, in header order (``ioname``, ``orgname``, ``year``, ``sdate`` …)."""
        states = set(self.state_columns)
        return tuple(c for c in self.header if c not in states)

    def missing_by_igo(self) -> dict[str, dict[str, list[MissingRun]]]:
        """{ioname: {column: [runs in year order]}}."""
        out: dict[str, dict[str, list[MissingRun]]] = {}
        for run in self.missing:
            out.setdefault(run.ioname, {}).setdefault(run.column, []).append(run)
        return out

    @property
    def subjects(self) -> dict[str, str]:
        """{ioname: subject id}."""
        return {r.ioname: r.subject for r in self.rows}

    # -- flat tables -----------------------------------------------------------------------
    def to_tables(self) -> dict[str, list[dict]]:
        """Flat rows for a store, one list per table in :data:`TABLES`.

        * ``cow_panel_header``: position, column, role (``igo`` or ``state``), and the source file;
        * ``cow_panel_rows``: position (row order), ioname, subject, year, fields (a JSON object of
          the row's IGO columns as written; an empty cell is absent);
        * ``cow_panel_missing``: ioname, column, first_year, last_year, value;
        * ``cow_panel_imputed``: ioname, year, cells (the state cells in header order, comma-separated);
        * ``cow_panel_states``: see :meth:`StateSystem.to_rows`.
        """
        states = set(self.state_columns)
        igo = self.igo_columns
        return {
            "cow_panel_header": [
                {"position": i, "column": c, "role": "state" if c in states else "igo", "source": self.source}
                for i, c in enumerate(self.header)
            ],
            "cow_panel_rows": [
                {
                    "position": i,
                    "ioname": r.ioname,
                    "subject": r.subject,
                    "year": r.year,
                    "fields": json.dumps(
                        {k: v for k, v in zip(igo, r.values) if v != ""}, ensure_ascii=False, sort_keys=True
                    ),
                }
                for i, r in enumerate(self.rows)
            ],
            "cow_panel_missing": [attrs.asdict(m) for m in self.missing],
            "cow_panel_imputed": [attrs.asdict(i) for i in self.imputed],
            "cow_panel_states": self.system.to_rows(),
        }

    @classmethod
    def from_tables(cls, tables: Mapping[str, Iterable[Mapping]]) -> CowPanel:
        """The panel record back from :meth:`to_tables`' rows (in any order)."""
        absent = [t for t in TABLES if t not in tables]
        if absent:
            raise CowDataError(f"panel record: table {absent[0]!r} is missing (expected {', '.join(TABLES)})")
        header_rows = sorted(tables["cow_panel_header"], key=lambda r: int(r["position"]))
        if not header_rows:
            raise CowDataError("panel record: cow_panel_header is empty")
        header = tuple(r["column"] for r in header_rows)
        states = tuple(r["column"] for r in header_rows if r["role"] == "state")
        igo_columns = [c for c in header if c not in set(states)]
        rows = []
        for r in sorted(tables["cow_panel_rows"], key=lambda r: int(r["position"])):
            fields = json.loads(r["fields"]) if isinstance(r["fields"], str) else dict(r["fields"])
            rows.append(
                PanelRow(r["ioname"], r["subject"], int(r["year"]), tuple(fields.get(c, "") for c in igo_columns))
            )
        missing = tuple(
            MissingRun(m["ioname"], m["column"], int(m["first_year"]), int(m["last_year"]), m["value"] or "")
            for m in sorted(tables["cow_panel_missing"], key=lambda m: (m["ioname"], m["column"], int(m["first_year"])))
        )
        imputed = tuple(
            ImputedRow(i["ioname"], int(i["year"]), i["cells"] or "")
            for i in sorted(tables["cow_panel_imputed"], key=lambda i: (i["ioname"], int(i["year"])))
        )
        return cls(
            source=header_rows[0]["source"],
            header=header,
            state_columns=states,
            rows=tuple(rows),
            missing=missing,
            imputed=imputed,
            system=StateSystem.from_rows(tables["cow_panel_states"]),
        )
