"""COW states as parties: which ISO 3166 code a COW state column stands for on a day, and
on which days each COW state existed (the COW state system, ``states2016.csv.gz``).

The code table ``cow_states.csv`` (beside this module) maps every COW state column of the
IGO panel (``afghanistan`` … ``zimbabwe``, with its ``ccode`` and ``stateabb``) to an ISO
3166 alpha-3 code, per period where one COW state spans states ISO codes apart:

* ISO 3166-1 where the state exists today (COW's ``germany`` and ``wgermany`` both ``DEU``;
  ``nyemen`` and ``yemen`` both ``YEM``: ISO kept those codes for the unified states);
* ISO 3166-3 for a historical state ISO coded: ``SUN`` (COW ``russia`` 1922-12-30 to
  1991-12-25), ``YUG`` and ``SCG`` (COW ``yugoslaviaserb``), ``CSK``, ``DDR``, ``VDR``, ``YMD``;
* a code in ISO's user-assigned range ``X??`` for a state ISO never coded (Bavaria ``XBV``,
  South Vietnam ``XSV``, Kosovo ``XKX`` …), with its name, named by :meth:`user_assigned_names`.

Days are ordinals (``date.toordinal()``) throughout: this module sits on the import's hot path.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import attrs

from ...events.errors import TimelineError
from ...events.parties import USER_ASSIGNED, is_party_code

__all__ = [
    "BASES",
    "CODE_TABLE_REF",
    "STATES_REF",
    "CodePeriod",
    "CowDataError",
    "PartySpell",
    "StateSystem",
    "SystemSpell",
]

CODE_TABLE_REF = "engine/datasets/cow_states.csv"
STATES_REF = "cow-igo-v3/states2016.csv.gz"
BASES = ("ISO 3166-1", "ISO 3166-3", "user-assigned")
FIRST_DAY = date(1, 1, 1).toordinal()
LAST_DAY = date(9999, 12, 31).toordinal()
_CODE_COLUMNS = ("column", "ccode", "stateabb", "statenme", "iso3", "valid_from", "valid_to", "basis", "name", "note")
_STATE_COLUMNS = (
    "ccode",
    "stateabb",
    "statenme",
    "styear",
    "stmonth",
    "stday",
    "endyear",
    "endmonth",
    "endday",
    "state",
)


class CowDataError(TimelineError, ValueError):
    """A Correlates of War file (or the code table) does not have the expected shape."""


def _iso_day(text: str, label: str) -> int:
    try:
        return date.fromisoformat(text).toordinal()
    except ValueError:
        raise CowDataError(f"{label}: expected an ISO date such as 1991-12-26, found {text!r}") from None


@attrs.frozen
class CodePeriod:
    """One row of the code table: a COW column stands for ``iso3`` from ``start`` to ``end`` (days, inclusive)."""

    column: str
    iso3: str
    start: int
    end: int
    basis: str = "ISO 3166-1"
    name: str = ""
    note: str = ""
    quote: str = ""


@attrs.frozen
class SystemSpell:
    """A COW state in the state system from ``start`` to ``end`` (days, inclusive)."""

    column: str
    start: int
    end: int
    quote: str = ""


@attrs.frozen
class PartySpell:
    """A party's existence without a break, and what bounds it (a COW spell or a code period)."""

    code: str
    start: int
    end: int
    start_source: tuple[str, str]  # (ref, quote)
    end_source: tuple[str, str]


class StateSystem:
    """The code table and the state system together: the questions the importer and exporter ask."""

    def __init__(self, periods: Iterable[CodePeriod], spells: Iterable[SystemSpell]):
        self.periods: dict[str, tuple[CodePeriod, ...]] = {}
        for p in sorted(periods, key=lambda p: (p.column, p.start)):
            self.periods.setdefault(p.column, ())
            self.periods[p.column] += (p,)
        self.spells: dict[str, tuple[SystemSpell, ...]] = {}
        for s in sorted(spells, key=lambda s: (s.column, s.start)):
            self.spells.setdefault(s.column, ())
            self.spells[s.column] += (s,)
        self._check()
        self._party_spells = self._build_party_spells()
        self._eval: dict[tuple[str, int], tuple[int, str]] = {}
        self._years: dict[str, frozenset[int]] = {}

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, states_path: str | Path, code_table: str | Path | None = None) -> StateSystem:
        """From COW's ``states2016.csv.gz`` (or plain CSV) and the code table (the bundled one by default)."""
        return cls(read_code_table(code_table), read_states(states_path))

    def _check(self) -> None:
        for column, periods in self.periods.items():
            label = f"{CODE_TABLE_REF}: column {column!r}"
            if periods[0].start != FIRST_DAY or periods[-1].end != LAST_DAY:
                raise CowDataError(
                    f"{label}: its periods must cover all time (leave the first valid_from and the last valid_to empty)"
                )
            for a, b in itertools.pairwise(periods):
                if b.start != a.end + 1:
                    raise CowDataError(
                        f"{label}: period {b.iso3} must start the day after {a.iso3} ends ({date.fromordinal(a.end)})"
                    )
        missing = sorted(set(self.spells) - set(self.periods))
        if missing:
            raise CowDataError(
                f"{CODE_TABLE_REF}: no ISO code for the COW state column(s) {', '.join(missing)}; add a row for each"
            )

    # -- codes ---------------------------------------------------------------------------
    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.periods)

    def period_on(self, column: str, day: int) -> CodePeriod:
        for p in self.periods[column]:
            if p.start <= day <= p.end:
                return p
        raise AssertionError("periods cover all time")  # pragma: no cover - checked in _check

    def code_on(self, column: str, day: int) -> str:
        return self.period_on(column, day).iso3

    def predecessor(self, column: str, day: int) -> CodePeriod | None:
        """The period of ``column`` that ends the day before ``day``, if a new code starts on ``day``."""
        for a, b in zip(self.periods[column], self.periods[column][1:]):
            if b.start == day:
                return a
        return None

    def user_assigned_names(self) -> dict[str, str]:
        """The names of the user-assigned codes (code -> name), which a store keeps beside its events."""
        names = {}
        for periods in self.periods.values():
            for p in periods:
                if p.basis == "user-assigned":
                    names[p.iso3] = p.name
        return names

    # -- the state system ----------------------------------------------------------------
    def observed_day(self, column: str, year: int) -> tuple[int, str]:
        """(day, code): the day a COW year's cell describes, and the party it names.

        The day is the last day of ``year`` on which the state was in the system (31 December
        unless it left the system that year; 31 December too for a year it was never in it).
        """
        key = (column, year)
        hit = self._eval.get(key)
        if hit is None:
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            best = None
            for s in self.spells.get(column, ()):
                if s.start <= last and s.end >= first:
                    best = max(best or 0, min(s.end, last))
            day = best if best is not None else last
            hit = self._eval[key] = (day, self.code_on(column, day))
        return hit

    def _build_party_spells(self) -> dict[str, tuple[PartySpell, ...]]:
        pieces: dict[str, list[PartySpell]] = {}
        for column, periods in self.periods.items():
            for s in self.spells.get(column, ()):
                for p in periods:
                    lo, hi = max(s.start, p.start), min(s.end, p.end)
                    if lo > hi:
                        continue
                    start_src = (STATES_REF, s.quote) if lo == s.start else (CODE_TABLE_REF, p.quote)
                    end_src = (STATES_REF, s.quote) if hi == s.end else (CODE_TABLE_REF, p.quote)
                    pieces.setdefault(p.iso3, []).append(PartySpell(p.iso3, lo, hi, start_src, end_src))
        out = {}
        for code, spells in pieces.items():
            merged: list[PartySpell] = []
            for piece in sorted(spells, key=lambda piece: piece.start):
                if merged and piece.start <= merged[-1].end + 1:
                    last = merged[-1]
                    if piece.end > last.end:
                        merged[-1] = attrs.evolve(last, end=piece.end, end_source=piece.end_source)
                else:
                    merged.append(piece)
            out[code] = tuple(merged)
        return out

    def party_spells(self, code: str) -> tuple[PartySpell, ...]:
        return self._party_spells.get(code, ())

    def spell_at(self, code: str, day: int) -> PartySpell | None:
        for s in self._party_spells.get(code, ()):
            if s.start <= day <= s.end:
                return s
        return None

    def exists_in_year(self, code: str, year: int) -> bool:
        return year in self.years_of(code)

    def years_of(self, code: str) -> frozenset[int]:
        """The years in which a party existed on at least one day."""
        years = self._years.get(code)
        if years is None:
            years = self._years[code] = frozenset(
                y
                for s in self._party_spells.get(code, ())
                for y in range(date.fromordinal(s.start).year, date.fromordinal(s.end).year + 1)
            )
        return years

    # -- a plain form, for a store to keep beside the events ------------------------------
    def to_rows(self) -> list[dict]:
        """The periods and spells as flat rows (``kind`` ``code`` or ``spell``), dates as ISO text."""
        rows = []
        for periods in self.periods.values():
            for p in periods:
                rows.append(
                    {
                        "column": p.column,
                        "kind": "code",
                        "code": p.iso3,
                        "basis": p.basis,
                        "name": p.name or None,
                        "start": date.fromordinal(p.start).isoformat(),
                        "end": date.fromordinal(p.end).isoformat(),
                    }
                )
        for spells in self.spells.values():
            for s in spells:
                rows.append(
                    {
                        "column": s.column,
                        "kind": "spell",
                        "code": None,
                        "basis": None,
                        "name": None,
                        "start": date.fromordinal(s.start).isoformat(),
                        "end": date.fromordinal(s.end).isoformat(),
                    }
                )
        return rows

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]) -> StateSystem:
        periods, spells = [], []
        for r in rows:
            start, end = _iso_day(r["start"], "state system row"), _iso_day(r["end"], "state system row")
            if r["kind"] == "code":
                periods.append(
                    CodePeriod(r["column"], r["code"], start, end, r.get("basis") or "ISO 3166-1", r.get("name") or "")
                )
            elif r["kind"] == "spell":
                spells.append(SystemSpell(r["column"], start, end))
            else:
                raise CowDataError(f"state system row: kind must be 'code' or 'spell', found {r['kind']!r}")
        return cls(periods, spells)


def open_text(path: Path) -> io.TextIOBase:
    try:
        if path.suffix == ".gz":
            return io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="")
        return open(path, encoding="utf-8", newline="")
    except FileNotFoundError:
        raise CowDataError(f"{path}: file not found") from None
    except OSError as e:
        raise CowDataError(f"{path}: cannot read ({e.strerror or e})") from None


@lru_cache(maxsize=2)
def _iso_codes(basis: str) -> frozenset[str]:
    import pycountry

    table = pycountry.countries if basis == "ISO 3166-1" else pycountry.historic_countries
    return frozenset(c.alpha_3 for c in table)


def read_code_table(path: str | Path | None = None) -> list[CodePeriod]:
    """The code table's rows, checked: known bases, valid codes, names for user-assigned codes."""
    if path is None:
        text = (resources.files(__package__) / "cow_states.csv").read_text(encoding="utf-8")
        label = CODE_TABLE_REF
    else:
        label = str(path)
        with open_text(Path(path)) as f:
            text = f.read()
    lines = text.splitlines()
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or tuple(header) != _CODE_COLUMNS:
        raise CowDataError(f"{label}:1: expected the columns {', '.join(_CODE_COLUMNS)}, found {header}")
    out = []
    for number, row in enumerate(reader, 2):
        if len(row) != len(_CODE_COLUMNS):
            raise CowDataError(f"{label}:{number}: expected {len(_CODE_COLUMNS)} columns, found {len(row)}")
        r = dict(zip(_CODE_COLUMNS, row))
        where = f"{label}:{number}"
        if r["basis"] not in BASES:
            raise CowDataError(f"{where}: basis must be one of {', '.join(BASES)}, found {r['basis']!r}")
        code = r["iso3"]
        if r["basis"] == "user-assigned":
            if not USER_ASSIGNED.match(code) or not r["name"]:
                raise CowDataError(
                    f"{where}: a user-assigned code must be X?? (or another ISO user-assigned range) and have a name; found {code!r}"
                )
        elif code not in _iso_codes(r["basis"]) or not is_party_code(code):
            raise CowDataError(f"{where}: {code!r} is not an {r['basis']} alpha-3 code")
        start = _iso_day(r["valid_from"], where) if r["valid_from"] else FIRST_DAY
        end = _iso_day(r["valid_to"], where) if r["valid_to"] else LAST_DAY
        quote = lines[number - 1]
        out.append(CodePeriod(r["column"], code, start, end, r["basis"], r["name"], r["note"], quote))
    return out


def read_states(path: str | Path) -> list[SystemSpell]:
    """The spells of COW's state system file (``states2016.csv.gz``), keyed by the IGO panel's column names."""
    path = Path(path)
    with open_text(path) as f:
        lines = f.read().splitlines()
    reader = csv.reader(lines)
    header = next(reader, None) or []
    missing = [c for c in _STATE_COLUMNS if c not in header]
    if missing:
        raise CowDataError(
            f"{path}:1: expected COW state system columns ({', '.join(_STATE_COLUMNS)}); missing {missing[0]!r}"
        )
    at = {c: header.index(c) for c in _STATE_COLUMNS}
    out = []
    for number, row in enumerate(reader, 2):
        if not row:
            continue
        try:
            start = date(int(row[at["styear"]]), int(row[at["stmonth"]]), int(row[at["stday"]])).toordinal()
            end = date(int(row[at["endyear"]]), int(row[at["endmonth"]]), int(row[at["endday"]])).toordinal()
        except (ValueError, IndexError):
            raise CowDataError(f"{path}:{number}: start and end must be year, month and day numbers") from None
        out.append(SystemSpell(row[at["state"]], start, end, lines[number - 1]))
    return out
