"""The COW IGO-year panel file read IGO by IGO: its header and every cell checked (a COW
membership code, or missing), each IGO's rows together and in year order; a bad file is one
clear line naming the file, line and problem. ``engine.datasets.cow`` makes the events."""

from __future__ import annotations

import csv
from pathlib import Path

from .cow_panel import MISSING_VALUES
from .cow_states import CowDataError, StateSystem, open_text

__all__ = ["STANDING_OF_CODE", "IgoYearReader"]

STANDING_OF_CODE = {"0": None, "1": "member", "2": "associate", "3": "observer"}
_ALLOWED = set(STANDING_OF_CODE) | set(MISSING_VALUES)
_REQUIRED = ("ioname", "year", "sdate")


class IgoYearReader:
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
