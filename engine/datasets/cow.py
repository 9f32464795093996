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

from collections import Counter
from datetime import date
from itertools import groupby
from pathlib import Path

import attrs

from ...events.model import Event
from .cow_events import IgoEvents, Obs, cells_text
from .cow_panel import MISSING_VALUES, CowPanel, ImputedRow, MissingRun, PanelRow
from .cow_reader import STANDING_OF_CODE, IgoYearReader
from .cow_states import CODE_TABLE_REF, CowDataError, StateSystem

__all__ = ["CowImport", "cow_subject_id", "import_cow_igo_year"]

_NONZERO = {"1", "2", "3"}


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


class _IgoBuilder(IgoEvents):
    """Turns one IGO's rows into observations, then events (made by :class:`IgoEvents`) and panel records."""

    def __init__(self, ref: str, header: list[str], states: list[tuple[int, str]], system: StateSystem, prefix: str):
        super().__init__(ref, header, system)
        self.states = states
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
        sdate = self.field(first, "sdate")
        try:
            founded_year = int(sdate)
        except ValueError:
            raise CowDataError(f"{self.ref}:{first_line}: {ioname}: sdate must be a year, found {sdate!r}") from None
        if founded_year > first_year:
            raise CowDataError(
                f"{self.ref}:{first_line}: {ioname} has a row for {first_year}, before its sdate {founded_year}"
            )
        events.append(self.founding(ioname, sid, first, sdate))
        deaddate = self.field(first, "deaddate")
        if deaddate:
            events.append(self.dissolution(ioname, sid, first_line, deaddate, founded_year))

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
        obs: dict[str, dict[int, Obs]] = {}
        by_column: dict[str, list[tuple[Obs, str]]] = {}
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
                o = Obs(day, y, STANDING_OF_CODE[v], "code", ((y, c, v),))
                by_column.setdefault(c, []).append((o, code))
                have = obs.setdefault(code, {}).get(day)
                if have is None:
                    obs[code][day] = o
                elif have.standing == o.standing:
                    obs[code][day] = have._replace(cells=have.cells + o.cells)
                else:
                    cells = cells_text(have.cells + o.cells)
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
            events.extend(self.transitions(ioname, sid, p, series, sdate))
        events = self.dissolution_checked(events)
        # beside the lifecycle events, before the memberships
        lifecycle = sum(e.kind in ("founded", "dissolved") for e in events)
        events.insert(lifecycle, self.attested(ioname, sid, max(years[-1], *(e.when.hi.year for e in events))))
        return events, rows, missing, imputed

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
                obs[a.iso3].setdefault(s - 1, Obs(s - 1, date.fromordinal(s - 1).year, ob.standing, "continued", cells))
                obs[b.iso3].setdefault(s, Obs(s, date.fromordinal(s).year, oa.standing, "continues", cells))

    def _with_absences(self, p: str, days: dict[int, Obs], years: list[int], columns, last_day: int) -> list[Obs]:
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
            series.append(Obs(date(y, 12, 31).toordinal(), y, None, "absent", cells))
        series.sort(key=lambda o: o.day)
        last = series[-1]
        if last.standing is not None:
            spell = self.system.spell_at(p, last.day)
            if spell is not None and spell.end + 1 <= last_day:
                end = spell.end + 1
                series.append(Obs(end, date.fromordinal(end).year, None, "absent", ()))
        return series


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
    reader = IgoYearReader(path, system)
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
