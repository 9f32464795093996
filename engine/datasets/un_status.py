"""Import the UN human-rights treaty status tables (``hr_status_<treaty>.csv``) as events.

One file per treaty, one row per UN member state: ``iso2, member, state party, year
ratification or accession, signatory, no action, status, note``. Year precision only.

* The treaty id comes from the file name (:data:`TREATY_IDS`), spelled as the bundled
  catalog spells its subjects: ``hr_status_iccpr.csv`` is ``ICCPR``, ``hr_status_opcat.csv``
  is ``OP-CAT``, ``hr_status_iccpr_op1.csv`` is ``ICCPR-OP1``.
* A state party becomes one ``ratified`` event dated by the year: the data set merges
  ratification and accession, so the kind does not say which (the note says so).
* A signatory becomes ``signed`` only where a year is given; the data set gives none, so
  signatories are listed in :attr:`UnStatusImport.unrecorded` with the reason, as is a state
  party without a year. ``no action`` is no event.
* The ``status`` column decides; where the data set's 0/1 columns disagree with it (five
  rows say ``state party`` with ``state party`` = 0), the event's note says so.
* The table states no date of its own; it speaks for the treaty at least through the latest
  year it records, for the UN member states it has a row for: one ``attested`` event dated that
  year, its ``parties`` the table's states (a partial roster: the data set's description says
  the files "only measure UN member states").
* The treaty is declared by a ``founded`` event (name and year from the data set's
  ``SOURCE-README.md`` beside the file) unless ``declare_subject=False``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import attrs
import pycountry

from ...events.dates import parse_date
from ...events.errors import TimelineError, UnknownParty
from ...events.model import CoverageEvent, Event, ParticipationEvent, Source, SubjectEvent
from ...events.parties import resolve_party

__all__ = [
    "TREATY_IDS",
    "UnStatusError",
    "UnStatusImport",
    "Unrecorded",
    "read_un_status",
    "read_un_status_folder",
    "treaty_id",
    "un_status_events",
]

# File name (after hr_status_) -> subject id; the catalog's ids where it has the treaty.
TREATY_IDS = {
    "icerd": "ICERD",
    "iccpr": "ICCPR",
    "icescr": "ICESCR",
    "cedaw": "CEDAW",
    "cat": "CAT",
    "opcat": "OP-CAT",
    "crc": "CRC",
    "cped": "CPED",
    "crpd": "CRPD",
    "icmw": "ICMW",
    "icescr_op": "ICESCR-OP",
    "iccpr_op1": "ICCPR-OP1",
    "iccpr_op2": "ICCPR-OP2",
    "op_cedaw": "OP-CEDAW",
    "op_crc_ac": "OP-CRC-AC",
    "op_crc_sc": "OP-CRC-SC",
    "op_crc_ic": "OP-CRC-IC",
    "op_crpd": "OP-CRPD",
}
# The data set's README spells the sale-of-children protocol "OC-CRC-SC"; its file is op_crc_sc.
_README_SPELLINGS = {"OC-CRC-SC": "OP-CRC-SC"}
_COLUMNS = ("iso2", "member", "state party", "year ratification or accession", "signatory", "no action", "status")
_STATUSES = ("state party", "signatory state", "no action")
# iso2 codes ISO has withdrawn, for states that exist under another code: (alpha-3, why).
_WITHDRAWN_ALPHA2 = {"TP": ("TLS", "iso2 TP is ISO's withdrawn code for East Timor, now TL/TLS")}
_README_LINE = re.compile(r"^- \*\*(?P<id>[A-Z0-9-]+)\*\*: \*(?P<name>[^*]+)\* \((?P<year>\d{4})\)\s*$")


class UnStatusError(TimelineError, ValueError):
    """A UN status file does not have the expected shape."""


@attrs.frozen
class Unrecorded:
    """A row that says something the events cannot carry, and why."""

    party: str
    status: str
    line: int
    reason: str


@attrs.frozen
class UnStatusImport:
    treaty: str
    events: tuple[Event, ...]
    unrecorded: tuple[Unrecorded, ...]


def treaty_id(path: str | Path) -> str:
    """The subject id for ``hr_status_<name>.csv``: from :data:`TREATY_IDS`, else ``<NAME>`` with ``-`` for ``_``."""
    stem = Path(path).name
    if not (stem.startswith("hr_status_") and stem.endswith(".csv")):
        raise UnStatusError(f"{path}: expected a file named hr_status_<treaty>.csv (e.g. hr_status_iccpr.csv)")
    name = stem[len("hr_status_") : -len(".csv")]
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise UnStatusError(f"{path}: the treaty part of the name must be letters, digits and _ (found {name!r})")
    return TREATY_IDS.get(name, name.upper().replace("_", "-"))


def _readme(folder: Path) -> dict[str, tuple[str, int, str]]:
    """{treaty id: (name, year, the README line)} from the data set's SOURCE-README.md."""
    path = folder / "SOURCE-README.md"
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _README_LINE.match(line.strip())
        if m:
            tid = _README_SPELLINGS.get(m["id"], m["id"])
            out[tid] = (m["name"].strip(), int(m["year"]), line.strip())
    return out


def _party(iso2: str, member: str, where: str) -> tuple[str, str | None]:
    """(alpha-3, a note when the data set's iso2 is withdrawn or wrong and the name decides)."""
    code = iso2.strip().upper()
    if code in _WITHDRAWN_ALPHA2:
        return _WITHDRAWN_ALPHA2[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is not None:
        return country.alpha_3, None
    try:
        named = resolve_party(member)
    except UnknownParty:
        raise UnStatusError(
            f"{where}: iso2 {iso2!r} is not an ISO 3166-1 alpha-2 code, and the member name {member!r} names no state"
        ) from None
    return named, f"iso2 {iso2!r} is not an ISO 3166-1 code; the member name {member!r} gives {named}"


def read_un_status(path: str | Path, *, declare_subject: bool = True, ref: str | None = None) -> UnStatusImport:
    """Events of one ``hr_status_<treaty>.csv`` file, and the rows they cannot carry."""
    path = Path(path)
    tid = treaty_id(path)
    ref = ref or f"un-hr-treaties/{path.name}"
    title = f"Ratification status of the {tid} by UN member state (world-politics-datalab, extracted from the UN Treaty Collection)"
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise UnStatusError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UnStatusError(f"{path}: cannot read as UTF-8 text ({e})") from None
    if not lines:
        raise UnStatusError(f"{path}: empty file (expected the header {', '.join(_COLUMNS)}, note)")
    header = next(csv.reader([lines[0]]))
    absent = [c for c in _COLUMNS if c not in header]
    if absent:
        raise UnStatusError(f"{path}:1: expected the columns {', '.join(_COLUMNS)}; missing {absent[0]!r}")
    at = {c: header.index(c) for c in header}
    events: list[Event] = []
    unrecorded: list[Unrecorded] = []
    if declare_subject:
        info = _readme(path.parent).get(tid)
        if info is None:
            raise UnStatusError(
                f"{path}: the treaty {tid} needs a name and year, read from SOURCE-README.md beside the file "
                "(none found): put the data set's SOURCE-README.md, which names each treaty and its year, "
                "in the same folder"
            )
        name, year, line = info
        events.append(
            SubjectEvent(
                id=f"unhr-{tid.lower()}-founded",
                kind="founded",
                subject=tid,
                date=parse_date(f"{year:04d}"),  # a year, as the codec reads one
                name=name,
                subject_kind="treaty",
                sources=(
                    Source(
                        title="Core United Nations Human Rights Instruments: Their Ratification Status (data set description)",
                        ref=str(Path(ref).parent / "SOURCE-README.md"),
                        quote=line,
                    ),
                ),
                note="the year of adoption given by the data set's description",
            )
        )
    seen: dict[str, int] = {}
    for number, text in enumerate(lines[1:], 2):
        if not text.strip():
            continue
        row = next(csv.reader([text]))
        if len(row) < len(_COLUMNS) or len(row) > len(header):
            raise UnStatusError(f"{path}:{number}: expected {len(header)} columns, found {len(row)}")
        get = lambda c, row=row: row[at[c]].strip() if at[c] < len(row) else ""  # noqa: E731
        where = f"{path}:{number}"
        party, code_note = _party(get("iso2"), get("member"), where)
        if party in seen:
            raise UnStatusError(f"{where}: {party} already has a row (line {seen[party]})")
        seen[party] = number
        status = get("status")
        if status not in _STATUSES:
            raise UnStatusError(f"{where}: status must be one of {', '.join(_STATUSES)}, found {status!r}")
        year_text = get("year ratification or accession")
        if year_text and not re.fullmatch(r"\d{4}", year_text):
            raise UnStatusError(
                f"{where}: the year of ratification or accession must be four digits, found {year_text!r}"
            )
        flags = {"state party": get("state party"), "signatory": get("signatory"), "no action": get("no action")}
        expected = {
            "state party": {"state party": "1", "signatory": "0", "no action": "0"},
            "signatory state": {"state party": "0", "signatory": "1", "no action": "0"},
            "no action": {"state party": "0", "signatory": "0", "no action": "1"},
        }[status]
        clash = [f"{k} = {flags[k] or '(empty)'}" for k in flags if flags[k] != expected[k]]
        if status == "no action":
            continue
        kind = "ratified" if status == "state party" else "signed"
        if not year_text:
            why = (
                "the data set gives no year of signature"
                if kind == "signed"
                else "the data set gives no year of ratification or accession"
            )
            unrecorded.append(Unrecorded(party, status, number, why))
            continue
        year = int(year_text)
        note = (
            "the data set merges ratification and accession, so the kind ratified does not say which; year precision"
            if kind == "ratified"
            else "year precision"
        )
        if code_note:
            note += f"; {code_note}"
        if clash:
            note += f"; the data set's own columns disagree with its status {status!r} ({', '.join(clash)}): the status is followed"
        events.append(
            ParticipationEvent(
                id=f"unhr-{tid.lower()}-{year}-{party.lower()}-{kind}",
                kind=kind,
                subject=tid,
                party=party,
                date=parse_date(f"{year:04d}"),  # a year, as the codec reads one
                sources=(Source(title=title, ref=ref, quote=text),),
                note=note,
            )
        )
    years = [e.date.lo.year for e in events if e.kind != "founded"]
    if years:
        # The table states no date of its own: it speaks for the treaty at least through the
        # latest year it records, and only for the UN member states it has a row for.
        last = max(years)
        events.append(
            CoverageEvent(
                id=f"unhr-{tid.lower()}-attested-{last}",
                kind="attested",
                subject=tid,
                date=parse_date(f"{last:04d}"),  # a year, as the codec reads one
                parties=" ".join(sorted(seen)),
                sources=(Source(title=title, ref=ref, quote=f"{len(seen)} rows, one per UN member state"),),
                note=(
                    "the table gives no date of its own: it speaks for the treaty through the latest year it "
                    "records, and only for the UN member states it has a row for"
                ),
            )
        )
    return UnStatusImport(treaty=tid, events=tuple(events), unrecorded=tuple(unrecorded))


def un_status_events(path: str | Path, *, declare_subject: bool = True) -> list[Event]:
    """The events of one ``hr_status_<treaty>.csv`` file (see :func:`read_un_status`)."""
    return list(read_un_status(path, declare_subject=declare_subject).events)


def read_un_status_folder(folder: str | Path, *, declare_subject: bool = True) -> list[UnStatusImport]:
    """Every ``hr_status_*.csv`` file of a folder, in name order."""
    folder = Path(folder)
    files = sorted(folder.glob("hr_status_*.csv"))
    if not files:
        raise UnStatusError(f"{folder}: no hr_status_<treaty>.csv files in it")
    return [read_un_status(f, declare_subject=declare_subject) for f in files]
