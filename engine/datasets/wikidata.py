"""Import memberships and offices from Wikidata: the results of a SPARQL query, as events.

The input is the standard *SPARQL 1.1 Query Results JSON Format* that the Wikidata Query
Service returns (``{"head": {"vars": [...]}, "results": {"bindings": [...]}}``), from the
query in :data:`WIKIDATA_QUERY` (also in the README). Each binding is one statement:

* a **membership**, P463 (member of): a state (``?state``, its ISO 3166-1 alpha-3 code
  ``?iso3`` from P298) in an organization (``?org``), or
* an **office**, P39 (position held): a person (``?person``) in a position
  (``?positionLabel``) of an organization (``?org``),

with the qualifiers P580 (start time) and P582 (end time), each with its precision from
``wikibase:timePrecision`` (``?startPrecision``, ``?endPrecision``).

How statements become events:

* Precision 9, 10, 11 (year, month, day) become the EDTF dates ``1992``, ``1992-05``,
  ``1992-05-15``: a day is never invented. Finer precisions (hours and below) keep the day.
  Coarser ones (decade, century) are skipped with a counted note.
* A start becomes ``joined`` (membership) or ``appointed`` (office); an end becomes
  ``withdrew`` or ``left-office``.
* **A statement without a start** has an open start: it cannot be a dated ``joined``. If it
  has an end and the organization's inception is known, the ``joined`` event is dated by the
  EDTF set ``[INCEPTION..END]`` (one day of that window, uncertain which) and its note says
  so; otherwise the statement is skipped and counted in a note.
* Every event keeps the statement as its source: ``{"title": "Wikidata statement",
  "ref": "wikidata:Q232$…", "url": "https://www.wikidata.org/wiki/Q232#P463"}``.
* **Subject ids**: the organization's short name (``?orgShort``, P1813) in upper case when
  the query selects it, else its QID (``Q485207``); its name is its label (``?orgLabel``).
* Each organization gets a ``founded`` event: from its inception (P571, ``?inception`` with
  ``?inceptionPrecision``) when selected, otherwise (or when a statement starts before it)
  dated by the earliest statement in the data, which the event's note says.
* Office ids come from the position's label, cut at " of " (``Secretary-General of the
  Shanghai Cooperation Organisation`` → ``secretary-general``); the holder is the person's
  label and the nationality ``?nationality`` (an ISO alpha-3 code) when selected.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs

from ...events.dates import parse_date
from ...events.errors import BadDate, BadEvent
from ...events.model import Event, OfficeEvent, Origin, ParticipationEvent, Source, SubjectEvent
from .wikidata_statements import (
    Statement,
    Time,
    WikidataError,
    read_bindings,
    read_qid,
    read_statement,
    read_time,
    read_value,
)

__all__ = ["WikidataImport", "read_wikidata", "wikidata_events"]


@attrs.frozen
class WikidataImport:
    """The events made from a query result, the statements read, and notes on what was left out."""

    events: tuple[Event, ...]
    statements: int
    skipped: int
    notes: tuple[str, ...]


def read_wikidata(path: str | Path) -> WikidataImport:
    """Read a SPARQL 1.1 JSON results file (the Wikidata Query Service's JSON download) as events."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise WikidataError(f"{path}: cannot read ({e.strerror})") from None
    except UnicodeDecodeError:
        raise WikidataError(f"{path}: not UTF-8 text (expected SPARQL JSON results)") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise WikidataError(
            f"{path}:{e.lineno}: not JSON ({e.msg}); expected SPARQL 1.1 JSON results from the Wikidata Query Service"
        ) from None
    return wikidata_events(doc, str(path))


def _subject_id(short: str | None, qid: str) -> str:
    if short:
        sid = re.sub(r"[^A-Z0-9._-]+", "-", short.upper()).strip("-.")
        if sid and sid[0].isalnum():
            return sid[:64]
    return qid


def wikidata_events(doc: Any, label: str = "<wikidata>") -> WikidataImport:
    """Events from parsed SPARQL JSON results (see the module's docstring for the mapping)."""
    bindings = read_bindings(doc, label)
    orgs: dict[str, dict[str, Any]] = {}
    statements: list[Statement] = []
    skipped: dict[str, int] = {}
    examples: dict[str, str] = {}
    seen: dict[str, int] = {}  # statement ref -> the binding that read it

    def skip(reason: str, number: int, key: str) -> None:
        skipped[key] = skipped.get(key, 0) + 1
        examples.setdefault(key, f"binding {number}: {reason}")

    for number, b in enumerate(bindings, 1):
        st, why = read_statement(b, number, label)
        where = f"{label}: binding {number}"
        org = read_qid(b, "org", where) or ""
        info = orgs.setdefault(org, {"short": None, "label": None, "inception": None})
        info["short"] = info["short"] or read_value(b, "orgShort", where)
        info["label"] = info["label"] or read_value(b, "orgLabel", where)
        if info["inception"] is None:
            inception, _ = read_time(b, "inception", where)
            info["inception"] = inception
        if st is not None and st.ref in seen:
            # One statement on several rows: an OPTIONAL variable with two values (two short
            # names, two ISO codes) multiplies the rows. The first row is read.
            skip(f"statement {st.ref} again (first read at binding {seen[st.ref]})", number, "repeated")
        elif st is None:
            skip(why or "not usable", number, "no party code")
        elif why:
            skip(why, number, "imprecise time")
        else:
            seen[st.ref] = number
            statements.append(st)

    events: list[Event] = []
    notes: list[str] = []
    for qid, info in orgs.items():
        sid = _subject_id(info["short"], qid)
        info["sid"] = sid
        name = info["label"] or qid
        own = [s for s in statements if s.org == qid]
        dated = [s for s in own if s.start is not None]
        first = min(dated, key=lambda s: (s.start.lo, s.number)) if dated else None  # type: ignore[union-attr]
        inception = info["inception"]
        if inception is not None and (first is None or first.start is None or inception.lo <= first.start.lo):
            t = inception
            src = Source(title="Wikidata item: inception (P571)", ref=f"wikidata:{qid}", url=_item_url(qid, "P571"))
            note = None
        elif first is not None:
            t = first.start
            src = _source(first, "start")
            why = (
                f"Wikidata's inception (P571), {inception.text}, is later than this statement's start"
                if inception is not None
                else "the query did not select the organization's inception (P571)"
            )
            note = f"Dated by the earliest statement in this Wikidata query result (binding {first.number}): {why}."
        else:
            notes.append(
                f"{sid} ({name}): no inception (P571) and no dated statement: not declared, its statements skipped"
            )
            for s in own:
                skip("its organization has no date", s.number, "no founding")
            statements = [s for s in statements if s.org != qid]
            continue
        events.append(
            SubjectEvent(
                id=f"{sid.lower()}-{t.text}-founded-wd",
                kind="founded",
                subject=sid,
                date=parse_date(t.text),
                name=name,
                subject_kind="organization",
                sources=(src,),
                note=note,
                origin=Origin(label, 0),
            )
        )

    for s in statements:
        info = orgs[s.org]
        if "sid" not in info:
            continue
        sid = info["sid"]
        start = s.start
        start_note = None
        if start is None:
            floor = info["inception"]
            if floor is None or s.end is None or floor.lo > s.end.lo:
                skip("no start time (P580): an open start", s.number, "open start")
                continue
            start = Time(f"[{floor.text}..{s.end.text}]", floor.lo)
            start_note = (
                f"Wikidata gives no start time (P580): dated as one day between the organization's inception "
                f"({floor.text}) and the end time ({s.end.text})."
            )
        events.extend(_events_of(s, sid, start, start_note, label))

    notes.extend(_skip_notes(skipped, examples))
    return WikidataImport(
        events=tuple(events), statements=len(bindings), skipped=sum(skipped.values()), notes=tuple(notes)
    )


def _item_url(qid: str, prop: str) -> str:
    return f"https://www.wikidata.org/wiki/{qid}#{prop}"


def _source(s: Statement, which: str) -> Source:
    t = s.start if which == "start" else s.end
    prop = "P463 (member of)" if s.kind == "membership" else "P39 (position held)"
    who = s.party_label if s.kind == "membership" else s.holder
    what = "" if s.kind == "membership" else f" {s.position_label},"
    qual = "start time (P580)" if which == "start" else "end time (P582)"
    quote = f"{who}: {prop}{what} {qual} {t.text if t else 'not given'}"
    return Source(title="Wikidata statement", ref=s.ref, url=s.url, quote=quote)


_KINDS = {"membership": ("joined", "withdrew"), "office": ("appointed", "left-office")}


def _events_of(s: Statement, sid: str, start: Time, start_note: str | None, label: str) -> list[Event]:
    """The statement's start event, and its end event when it has an end time."""
    ends = [("start", start.text, start_note)]
    if s.end is not None:
        ends.append(("end", s.end.text, None))
    try:
        return [_event(s, sid, which, text, note, label) for which, text, note in ends]
    except (BadDate, BadEvent) as e:
        raise WikidataError(f"{label}: binding {s.number}: {e}") from None


def _event(s: Statement, sid: str, which: str, text: str, note: str | None, label: str) -> Event:
    """One end of a statement: ``joined``/``withdrew`` (membership), ``appointed``/``left-office`` (office)."""
    tag = re.sub(r"[^a-z0-9]", "", s.ref.split("$", 1)[1].lower())[:8]
    kind = _KINDS[s.kind][which == "end"]
    fields: dict[str, Any] = dict(
        kind=kind,
        subject=sid,
        date=parse_date(text),
        sources=(_source(s, which),),
        note=note,
        origin=Origin(label, s.number),
    )
    if s.kind == "membership":
        who = (s.party or "").lower()
        return ParticipationEvent(
            id=f"{sid.lower()}-{_slug_date(text)}-{who}-{kind}-wd-{tag}", party=s.party or "", **fields
        )
    return OfficeEvent(
        id=f"{sid.lower()}-{_slug_date(text)}-{s.office}-{kind}-wd-{tag}",
        office=s.office or "office",
        holder=s.holder,
        nationality=s.nationality if which == "start" else None,
        **fields,
    )


def _slug_date(text: str) -> str:
    return re.sub(r"[^0-9-]+", "-", text).strip("-").replace("--", "-")


def _skip_notes(skipped: dict[str, int], examples: dict[str, str]) -> list[str]:
    what = {
        "open start": "statement(s) without a start time (P580) and without both an end time and the organization's inception",
        "imprecise time": "statement(s) with a time that is not a year, month or day",
        "no party code": "membership(s) of an item with no ISO 3166 alpha-3 code",
        "no founding": "statement(s) of an organization with no date at all",
        "repeated": "row(s) repeating a statement already read",
    }
    return [f"skipped {n} {what[key]} (first: {examples[key]})" for key, n in skipped.items()]
