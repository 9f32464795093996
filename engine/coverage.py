"""How far the record speaks for a subject, and what an answer says beyond it.

An ``attested`` event says up to which day the record covers a subject (its ``date``: the last
day, the latest day of a month or a year) and, for a partial roster, which parties (``parties``).
The fold (``engine.fold.lifecycle``) takes the latest attestation of each subject as its coverage:
after that day nothing begins or ends, and nothing is certain. Here:

* :class:`Coverage`, what the fold found for one subject, and :func:`coverages` (from a fold);
* :func:`write_coverage` and :func:`read_coverage`: the store keeps them in a table beside the
  spells (``{spells}_coverage``), so a store answers without folding again;
* :func:`bound`, the one function the queries call: rows of standings in force after the last
  covered day say ``certainty: "unattested"`` and ``attested_until``; rows of a partial roster
  carry a ``coverage`` object; notes say when a date lies beyond the record or the roster is partial.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs
import duckdb
import numpy as np

from ..events.dates import When
from .fold import Folded

__all__ = [
    "UNATTESTED",
    "Coverage",
    "beyond_note",
    "bound",
    "bound_state",
    "coverages",
    "last_covered_year",
    "read_coverage",
    "write_coverage",
]

UNATTESTED = "unattested"


@attrs.frozen(kw_only=True)
class Coverage:
    """What the record covers for one subject: up to ``until`` (a day), for ``parties`` (None:
    every party), as ``attested`` (the EDTF text of the attestation) by event ``event_id``."""

    subject: str
    until: date
    attested: str
    event_id: str
    parties: tuple[str, ...] | None = None

    @property
    def partial(self) -> bool:
        return self.parties is not None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"attested_until": self.until.isoformat(), "event_id": self.event_id}
        if self.parties is not None:
            out["parties"] = list(self.parties)
        return out

    def describe(self) -> str:
        """One line for a table's note."""
        if self.parties is None:
            return f"the record covers {self.subject} until {self.until.isoformat()}"
        return (
            f"the record covers {self.subject} until {self.until.isoformat()} only for "
            f"{', '.join(self.parties)} ({len(self.parties)} parties): others are not recorded"
        )


def coverages(folded: Folded) -> dict[str, Coverage]:
    """The coverage of every subject the fold found attested (subject id -> Coverage)."""
    c, lc = folded.columns, folded.lifecycle
    subjects = np.flatnonzero(lc.attested >= 0)
    if not len(subjects):
        return {}
    seqs = lc.attested[subjects]
    ids = c.places.ids(seqs.tolist())
    out = {}
    for s, a, eid in zip(subjects.tolist(), seqs.tolist(), ids, strict=True):
        p = int(c.predecessor[a])
        sid = str(c.words[s])
        out[sid] = Coverage(
            subject=sid,
            until=date.fromordinal(int(lc.covered[s])),
            attested=str(c.whens[c.when[a]]),
            event_id=str(eid),
            parties=tuple(str(c.words[p]).split()) if p >= 0 else None,
        )
    return out


# -- the store's table --------------------------------------------------------------------------
def write_coverage(
    con: duckdb.DuckDBPyConnection,
    folded: Folded,
    target: str = "spells",
    temp: bool = False,
    subjects: Sequence[str] | None = None,
) -> None:
    """Write the coverage of ``folded`` into ``{target}_coverage`` (subject, attested_until,
    attested, event_id, parties); with ``subjects`` (a partition), only their rows are replaced."""
    found = list(coverages(folded).values())
    frame = {
        "subject": np.array([x.subject for x in found], dtype=object),
        "attested_until": np.array([x.until.isoformat() for x in found], dtype=object),
        "attested": np.array([x.attested for x in found], dtype=object),
        "event_id": np.array([x.event_id for x in found], dtype=object),
        "parties": np.array([" ".join(x.parties) if x.parties is not None else None for x in found], dtype=object),
    }
    table = f"{target}_coverage"
    rows = (
        "SELECT subject::VARCHAR AS subject, CAST(attested_until AS DATE) AS attested_until, "
        "attested::VARCHAR AS attested, event_id::VARCHAR AS event_id, parties::VARCHAR AS parties FROM fold_coverage"
    )
    con.execute("SELECT 1").fetchall()
    con.register("fold_coverage", frame)
    try:
        if subjects is None:
            con.execute(f"CREATE OR REPLACE {'TEMP TABLE' if temp else 'TABLE'} {table} AS {rows}")
        else:
            con.execute(
                f"CREATE {'TEMP TABLE' if temp else 'TABLE'} IF NOT EXISTS {table} (subject VARCHAR, "
                "attested_until DATE, attested VARCHAR, event_id VARCHAR, parties VARCHAR)"
            )
            con.execute(f"DELETE FROM {table} WHERE subject IN (SELECT unnest(?::VARCHAR[]))", [list(subjects)])
            con.execute(f"INSERT INTO {table} {rows}")
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister("fold_coverage")


def read_coverage(con: duckdb.DuckDBPyConnection, spells: str) -> dict[str, Coverage]:
    """Every subject's coverage as a store keeps it beside ``spells`` (none for a store written
    before coverage was kept, which holds no attestation)."""
    try:
        rows = con.execute(
            f"SELECT subject, attested_until, attested, event_id, parties FROM {spells}_coverage"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    return {
        sid: Coverage(
            subject=sid,
            until=until,
            attested=attested,
            event_id=event_id,
            parties=tuple(parties.split()) if parties else None,
        )
        for sid, until, attested, event_id, parties in rows
    }


def last_covered_year(coverage: Coverage | None) -> int | None:
    """The last year of which the record covers every day (None: not bounded)."""
    if coverage is None:
        return None
    u = coverage.until
    return u.year if (u.month, u.day) == (12, 31) else u.year - 1


# -- answers ------------------------------------------------------------------------------------
def bound(coverage: Coverage | None, period: When, rows: Sequence[Any]) -> tuple[Sequence[Any], list[str]]:
    """The rows of an answer on ``period`` within what the record covers, and the notes to add.

    When the period reaches past the last covered day, a row whose standing (office holder, body)
    is still in force then (no later event ends it: ``until`` is None) says ``certainty:
    "unattested"`` with ``attested_until``; when the roster is partial every row carries the
    ``coverage``. Rows need only ``until`` (and are attrs classes with ``certainty``,
    ``attested_until``, ``window`` and ``coverage``)."""
    if coverage is None:
        return rows, []
    last = coverage.until.toordinal()
    lo, hi = period.lo.toordinal(), period.hi.toordinal()
    notes: list[str] = []
    out = []
    beyond = hi > last
    for r in rows:
        changes: dict[str, Any] = {}
        if beyond and r.until is None:
            # no window: nothing is known to change after the last covered day, so none is dated
            changes.update(certainty=UNATTESTED, attested_until=coverage.until.isoformat(), window=None)
        if coverage.partial:
            changes["coverage"] = coverage.to_json()
        out.append(attrs.evolve(r, **changes) if changes else r)
    if lo > last:
        notes.append(
            f"{period.text} is after the last day the record covers for {coverage.subject} "
            f"({coverage.until.isoformat()}, attested by {coverage.event_id}): "
            "standings in force then are shown as unattested"
        )
    elif beyond:
        notes.append(
            f"{period.text} runs past the last day the record covers for {coverage.subject} "
            f"({coverage.until.isoformat()}): standings held after it are shown as unattested"
        )
    if coverage.partial:
        notes.append(coverage.describe())
    return out, notes


def bound_state(
    coverage: Coverage | None, period: When, members, offices, bodies
) -> tuple[Sequence, Sequence, Sequence, list[str]]:
    """:func:`bound` for the three tables of a state: (members, offices, bodies, notes)."""
    members, notes = bound(coverage, period, members)
    offices, _ = bound(coverage, period, offices)
    bodies, _ = bound(coverage, period, bodies)
    return members, offices, bodies, notes


def beyond_note(coverage: Coverage | None, day: date) -> str | None:
    """A note when ``day`` is after the last day the record covers (for ``diff``)."""
    if coverage is None or day <= coverage.until:
        return None
    return (
        f"{day.isoformat()} is after the last day the record covers for {coverage.subject} "
        f"({coverage.until.isoformat()}): changes after it are not recorded"
    )
