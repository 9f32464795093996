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
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from ...events.dates import parse_date
from ...events.errors import BadDate, BadEvent, TimelineError, UnknownParty
from ...events.model import Event, OfficeEvent, Origin, ParticipationEvent, Source, SubjectEvent
from ...events.parties import is_party_code, resolve_party

__all__ = ["WIKIDATA_QUERY", "WikidataError", "WikidataImport", "read_wikidata", "wikidata_events"]

WIKIDATA_QUERY = """\
# Memberships (P463) of states and offices (P39) in chosen organizations, with start (P580) and
# end (P582) times and their precision; run at https://query.wikidata.org, download as JSON.
SELECT ?org ?orgLabel ?orgShort ?inception ?inceptionPrecision
       ?statement ?state ?stateLabel ?iso3 ?person ?personLabel ?nationality ?position ?positionLabel
       ?start ?startPrecision ?end ?endPrecision
WHERE {
  VALUES ?org { wd:Q485207 wd:Q318693 }            # SCO, CSTO: put the organizations you want here
  OPTIONAL { ?org wdt:P1813 ?orgShort . FILTER(LANG(?orgShort) = "en") }
  OPTIONAL { ?org p:P571/psv:P571 [ wikibase:timeValue ?inception ; wikibase:timePrecision ?inceptionPrecision ] }
  {
    ?state p:P463 ?statement . ?statement ps:P463 ?org .
    ?state wdt:P298 ?iso3 .                          # ISO 3166-1 alpha-3: states only
  } UNION {
    ?person p:P39 ?statement . ?statement ps:P39 ?position .
    ?position (wdt:P361|wdt:P1001) ?org .            # the position is part of / applies to the organization
    OPTIONAL { ?person wdt:P27/wdt:P298 ?nationality }
  }
  OPTIONAL { ?statement pqv:P580 [ wikibase:timeValue ?start ; wikibase:timePrecision ?startPrecision ] }
  OPTIONAL { ?statement pqv:P582 [ wikibase:timeValue ?end ; wikibase:timePrecision ?endPrecision ] }
  SERVICE wikibase:label { bd:serviceParam wikibase:language "en" . }
}
ORDER BY ?org ?start
"""

_ENTITY = re.compile(r"^https?://www\.wikidata\.org/entity/(Q\d+)$")
_STATEMENT = re.compile(r"^https?://www\.wikidata\.org/entity/statement/(Q\d+)-(.+)$")
_TIME = re.compile(r"^\+?(\d{4,})-(\d{2})-(\d{2})T")


class WikidataError(TimelineError, ValueError):
    """A Wikidata query result cannot be read: not SPARQL JSON results, or a binding that is not usable."""


@attrs.frozen
class WikidataImport:
    """The events made from a query result, the statements read, and notes on what was left out."""

    events: tuple[Event, ...]
    statements: int
    skipped: int
    notes: tuple[str, ...]


@attrs.frozen
class _Time:
    text: str  # EDTF
    lo: date


@attrs.frozen
class _Statement:
    number: int  # the binding's number, from 1
    kind: str  # "membership" | "office"
    org: str  # QID
    item: str  # QID of the state or the person
    ref: str  # wikidata:Q…$…
    url: str
    start: _Time | None
    end: _Time | None
    party: str | None = None
    party_label: str | None = None
    holder: str | None = None
    nationality: str | None = None
    office: str | None = None
    position_label: str | None = None


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


def _bindings(doc: Any, label: str) -> list:
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), dict):
        raise WikidataError(
            f'{label}: not SPARQL 1.1 JSON results: expected {{"head": {{"vars": [...]}}, "results": {{"bindings": [...]}}}}'
        )
    bindings = doc["results"].get("bindings")
    if not isinstance(bindings, list):
        raise WikidataError(f"{label}: 'results.bindings' must be a list of bindings")
    return bindings


def _term(b: Mapping, var: str, where: str) -> dict | None:
    term = b.get(var)
    if term is None:
        return None
    if not isinstance(term, dict) or "value" not in term or not isinstance(term["value"], str):
        raise WikidataError(f'{where}: ?{var} is not an RDF term ({{"type": ..., "value": "..."}})')
    return term


def _value(b: Mapping, var: str, where: str, required: bool = False) -> str | None:
    term = _term(b, var, where)
    if term is None:
        if required:
            raise WikidataError(f"{where}: ?{var} is missing (the query in the README selects it)")
        return None
    return term["value"].strip() or None


def _qid(b: Mapping, var: str, where: str, required: bool = True) -> str | None:
    value = _value(b, var, where, required)
    if value is None:
        return None
    m = _ENTITY.match(value)
    if not m:
        raise WikidataError(f"{where}: ?{var} {value!r} is not a Wikidata item URI (http://www.wikidata.org/entity/Q…)")
    return m.group(1)


def _time(b: Mapping, var: str, where: str) -> tuple[_Time | None, str | None]:
    """(the time as EDTF, or None; a reason to skip the statement, or None)."""
    value = _value(b, var, where)
    if value is None:
        return None, None
    m = _TIME.match(value)
    if not m:
        raise WikidataError(f"{where}: ?{var} {value!r} is not an xsd:dateTime such as 1992-05-15T00:00:00Z")
    if value.startswith("-"):
        return None, f"?{var} {value} is before the year 1"
    precision_text = _value(b, f"{var}Precision", where)
    if precision_text is None:
        raise WikidataError(
            f"{where}: ?{var} has no ?{var}Precision: select wikibase:timePrecision with it (see the README's query), "
            "or a year would be read as its first day"
        )
    try:
        precision = int(precision_text)
    except ValueError:
        raise WikidataError(
            f"{where}: ?{var}Precision {precision_text!r} is not a number (9 year, 10 month, 11 day)"
        ) from None
    year, month, day = m.groups()
    if precision < 9:
        return None, f"?{var} has precision {precision} (coarser than a year)"
    text = {9: year, 10: f"{year}-{month}"}.get(precision, f"{year}-{month}-{day}")
    try:
        when = parse_date(text)
    except BadDate as e:
        raise WikidataError(f"{where}: ?{var} {value!r}: {e}") from None
    return _Time(text, when.lo), None


def _office_id(label: str) -> str:
    head = re.split(r"\s+of\s+", label, maxsplit=1)[0]
    return re.sub(r"[^a-z0-9]+", "-", head.lower()).strip("-")[:64] or "office"


def _subject_id(short: str | None, qid: str) -> str:
    if short:
        sid = re.sub(r"[^A-Z0-9._-]+", "-", short.upper()).strip("-.")
        if sid and sid[0].isalnum():
            return sid[:64]
    return qid


def _statement(b: Any, number: int, label: str) -> tuple[_Statement | None, str | None]:
    where = f"{label}: binding {number}"
    if not isinstance(b, dict):
        raise WikidataError(f"{where}: expected an object of variable bindings")
    org = _qid(b, "org", where)
    uri = _value(b, "statement", where, required=True)
    m = _STATEMENT.match(uri or "")
    if not m:
        raise WikidataError(
            f"{where}: ?statement {uri!r} is not a Wikidata statement URI (http://www.wikidata.org/entity/statement/Q…-…)"
        )
    item, guid = m.groups()
    start, why = _time(b, "start", where)
    end, why_end = _time(b, "end", where)
    why = why or why_end
    if _term(b, "state", where) is not None:
        state = _qid(b, "state", where)
        party_label = _value(b, "stateLabel", where) or state
        iso3 = (_value(b, "iso3", where) or "").upper()
        party = iso3 if is_party_code(iso3) else None
        if party is None:
            try:
                party = resolve_party(party_label or "")
            except UnknownParty:
                return None, f"{party_label} ({state}) has no ISO 3166 alpha-3 code"
        kind, prop = "membership", "P463"
        extra: dict[str, Any] = {"party": party, "party_label": party_label}
    elif _term(b, "person", where) is not None:
        _qid(b, "person", where)
        position = _value(b, "positionLabel", where, required=True) or ""
        nationality = (_value(b, "nationality", where) or "").upper() or None
        kind, prop = "office", "P39"
        extra = {
            "holder": _value(b, "personLabel", where, required=True),
            "nationality": nationality if nationality and is_party_code(nationality) else None,
            "office": _office_id(position),
            "position_label": position,
        }
    else:
        raise WikidataError(f"{where}: neither ?state (a P463 membership) nor ?person (a P39 office) is bound")
    st = _Statement(
        number=number,
        kind=kind,
        org=org or "",
        item=item,
        ref=f"wikidata:{item}${guid}",
        url=f"https://www.wikidata.org/wiki/{item}#{prop}",
        start=start,
        end=end,
        **extra,
    )
    return st, why


def wikidata_events(doc: Any, label: str = "<wikidata>") -> WikidataImport:
    """Events from parsed SPARQL JSON results (see the module's docstring for the mapping)."""
    bindings = _bindings(doc, label)
    orgs: dict[str, dict[str, Any]] = {}
    statements: list[_Statement] = []
    skipped: dict[str, int] = {}
    examples: dict[str, str] = {}
    seen: dict[str, int] = {}  # statement ref -> the binding that read it

    def skip(reason: str, number: int, key: str) -> None:
        skipped[key] = skipped.get(key, 0) + 1
        examples.setdefault(key, f"binding {number}: {reason}")

    for number, b in enumerate(bindings, 1):
        st, why = _statement(b, number, label)
        where = f"{label}: binding {number}"
        org = _qid(b, "org", where) or ""
        info = orgs.setdefault(org, {"short": None, "label": None, "inception": None})
        info["short"] = info["short"] or _value(b, "orgShort", where)
        info["label"] = info["label"] or _value(b, "orgLabel", where)
        if info["inception"] is None:
            inception, _ = _time(b, "inception", where)
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
            start = _Time(f"[{floor.text}..{s.end.text}]", floor.lo)
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


def _source(s: _Statement, which: str) -> Source:
    t = s.start if which == "start" else s.end
    prop = "P463 (member of)" if s.kind == "membership" else "P39 (position held)"
    who = s.party_label if s.kind == "membership" else s.holder
    what = "" if s.kind == "membership" else f" {s.position_label},"
    qual = "start time (P580)" if which == "start" else "end time (P582)"
    quote = f"{who}: {prop}{what} {qual} {t.text if t else 'not given'}"
    return Source(title="Wikidata statement", ref=s.ref, url=s.url, quote=quote)


_KINDS = {"membership": ("joined", "withdrew"), "office": ("appointed", "left-office")}


def _events_of(s: _Statement, sid: str, start: _Time, start_note: str | None, label: str) -> list[Event]:
    """The statement's start event, and its end event when it has an end time."""
    ends = [("start", start.text, start_note)]
    if s.end is not None:
        ends.append(("end", s.end.text, None))
    try:
        return [_event(s, sid, which, text, note, label) for which, text, note in ends]
    except (BadDate, BadEvent) as e:
        raise WikidataError(f"{label}: binding {s.number}: {e}") from None


def _event(s: _Statement, sid: str, which: str, text: str, note: str | None, label: str) -> Event:
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
