"""The real data sets (read once per test session) and small COW panels written by a test."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from tests.conftest import SHARED

DATA = SHARED / "data"
COW_DIR = DATA / "cow-igo-v3"
COW_PANEL = COW_DIR / "igo_year_format3.csv.gz"
COW_STATES = COW_DIR / "states2016.csv.gz"
UN_DIR = DATA / "un-hr-treaties"
CENTRAL_ASIA = ("KAZ", "KGZ", "UZB", "TJK", "TKM")
CATALOG_TREATIES = ("ICERD", "ICCPR", "ICESCR", "CEDAW", "CAT", "OP-CAT", "CRC", "CPED", "CRPD")


def _need(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"expected the shared data file {path}; the importer tests read the real data sets")
    return path


@pytest.fixture(scope="session")
def cow_import():
    """The real COW IGO-year panel, imported once."""
    from timeline_engine.engine.datasets import import_cow_igo_year

    return import_cow_igo_year(_need(COW_PANEL), states_path=_need(COW_STATES))


@pytest.fixture(scope="session")
def cow_timeline(cow_import):
    from timeline_engine.engine import Timeline

    return Timeline(cow_import.events)


@pytest.fixture(scope="session")
def cow_rows():
    """The real panel as read by the csv module: (header, rows)."""
    with gzip.open(_need(COW_PANEL), "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture(scope="session")
def un_timeline():
    from timeline_engine.engine import Timeline
    from timeline_engine.engine.datasets.un_status import read_un_status_folder

    return Timeline([e for r in read_un_status_folder(UN_DIR) for e in r.events])


IGO_COLUMNS = ("ioname", "orgname", "year")
TAIL_COLUMNS = ("sdate", "deaddate", "longorgname", "ionum", "imputed")


class PanelWriter:
    """Writes a small COW IGO-year file: ``add(ioname, sdate, {year: {column: value}})``."""

    def __init__(self, folder: Path, columns: tuple[str, ...]):
        self.folder = folder
        self.columns = columns
        self.rows: list[list[str]] = []

    def add(
        self,
        ioname: str,
        sdate: int,
        cells: dict[int, dict[str, str]],
        deaddate: str = "",
        orgname: str | None = None,
        imputed: tuple[int, ...] = (),
    ) -> PanelWriter:
        """One IGO: ``cells[year][column]`` (a column left out of a year is ``0``)."""
        for year in sorted(cells):
            row = [ioname, orgname or f"Organization {ioname}", str(year)]
            row += [cells[year].get(c, "0") for c in self.columns]
            row += [str(sdate), deaddate, f"The {ioname}", str(len(self.rows) + 1), "1" if year in imputed else "0"]
            self.rows.append(row)
        return self

    def header(self) -> list[str]:
        return list(IGO_COLUMNS) + list(self.columns) + list(TAIL_COLUMNS)

    def write(self, name: str = "igo_year_format3.csv") -> Path:
        path = self.folder / name
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(self.header())
            w.writerows(self.rows)
        return path


@pytest.fixture
def panel(tmp_path):
    """A panel writer for the given state columns; import with ``import_small(path)``."""

    def make(*columns: str) -> PanelWriter:
        return PanelWriter(tmp_path, columns)

    return make


@pytest.fixture
def import_small():
    from timeline_engine.engine.datasets import import_cow_igo_year

    def run(path: Path, **kw):
        return import_cow_igo_year(path, states_path=_need(COW_STATES), **kw)

    return run
