"""Wikidata's SPARQL 1.1 JSON results read as statements, one a binding, before they become events.

The query (:data:`WIKIDATA_QUERY`, also in the README) selects each statement with its
organization: a P463 membership (``?state``, ``?iso3``) or a P39 office (``?person``,
``?positionLabel``), its P580/P582 times and their ``wikibase:timePrecision``. This module
checks each binding and reads it as a :class:`Statement`; :mod:`.wikidata` makes the events.
A time of precision 9, 10 or 11 is the EDTF year, month or day (a day is never invented);
a coarser one is a reason to skip the statement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from ...events.dates import parse_date
from ...events.errors import BadDate, TimelineError, UnknownParty
from ...events.parties import is_party_code, resolve_party

__all__ = [
    "WIKIDATA_QUERY",
    "Statement",
    "Time",
    "WikidataError",
    "read_bindings",
    "read_qid",
    "read_statement",
    "read_time",
    "read_value",
]

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
class Time:
    """A statement's time as EDTF (year, month or day) and its first day."""

    text: str  # EDTF
    lo: date


@attrs.frozen
class Statement:
    """One binding read: a P463 membership or a P39 office of an organization, with its times."""

    number: int  # the binding's number, from 1
    kind: str  # "membership" | "office"
    org: str  # QID
    item: str  # QID of the state or the person
    ref: str  # wikidata:Q…$…
    url: str
    start: Time | None
    end: Time | None
    party: str | None = None
    party_label: str | None = None
    holder: str | None = None
    nationality: str | None = None
    office: str | None = None
    position_label: str | None = None


def read_bindings(doc: Any, label: str) -> list:
    """The bindings of SPARQL 1.1 JSON results (``results.bindings``)."""
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


def read_value(b: Mapping, var: str, where: str, required: bool = False) -> str | None:
    """The value of ``?var`` in a binding, stripped; None when unbound or blank."""
    term = _term(b, var, where)
    if term is None:
        if required:
            raise WikidataError(f"{where}: ?{var} is missing (the query in the README selects it)")
        return None
    return term["value"].strip() or None


def read_qid(b: Mapping, var: str, where: str, required: bool = True) -> str | None:
    """The QID of the item ``?var`` is bound to."""
    value = read_value(b, var, where, required)
    if value is None:
        return None
    m = _ENTITY.match(value)
    if not m:
        raise WikidataError(f"{where}: ?{var} {value!r} is not a Wikidata item URI (http://www.wikidata.org/entity/Q…)")
    return m.group(1)


def read_time(b: Mapping, var: str, where: str) -> tuple[Time | None, str | None]:
    """(the time as EDTF, or None; a reason to skip the statement, or None)."""
    value = read_value(b, var, where)
    if value is None:
        return None, None
    m = _TIME.match(value)
    if not m:
        raise WikidataError(f"{where}: ?{var} {value!r} is not an xsd:dateTime such as 1992-05-15T00:00:00Z")
    if value.startswith("-"):
        return None, f"?{var} {value} is before the year 1"
    precision_text = read_value(b, f"{var}Precision", where)
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
    return Time(text, when.lo), None


def _office_id(label: str) -> str:
    head = re.split(r"\s+of\s+", label, maxsplit=1)[0]
    return re.sub(r"[^a-z0-9]+", "-", head.lower()).strip("-")[:64] or "office"


def read_statement(b: Any, number: int, label: str) -> tuple[Statement | None, str | None]:
    """(the binding as a statement, or None; a reason to skip it, or None)."""
    where = f"{label}: binding {number}"
    if not isinstance(b, dict):
        raise WikidataError(f"{where}: expected an object of variable bindings")
    org = read_qid(b, "org", where)
    uri = read_value(b, "statement", where, required=True)
    m = _STATEMENT.match(uri or "")
    if not m:
        raise WikidataError(
            f"{where}: ?statement {uri!r} is not a Wikidata statement URI (http://www.wikidata.org/entity/statement/Q…-…)"
        )
    item, guid = m.groups()
    start, why = read_time(b, "start", where)
    end, why_end = read_time(b, "end", where)
    why = why or why_end
    if _term(b, "state", where) is not None:
        state = read_qid(b, "state", where)
        party_label = read_value(b, "stateLabel", where) or state
        iso3 = (read_value(b, "iso3", where) or "").upper()
        party = iso3 if is_party_code(iso3) else None
        if party is None:
            try:
                party = resolve_party(party_label or "")
            except UnknownParty:
                return None, f"{party_label} ({state}) has no ISO 3166 alpha-3 code"
        kind, prop = "membership", "P463"
        extra: dict[str, Any] = {"party": party, "party_label": party_label}
    elif _term(b, "person", where) is not None:
        read_qid(b, "person", where)
        position = read_value(b, "positionLabel", where, required=True) or ""
        nationality = (read_value(b, "nationality", where) or "").upper() or None
        kind, prop = "office", "P39"
        extra = {
            "holder": read_value(b, "personLabel", where, required=True),
            "nationality": nationality if nationality and is_party_code(nationality) else None,
            "office": _office_id(position),
            "position_label": position,
        }
    else:
        raise WikidataError(f"{where}: neither ?state (a P463 membership) nor ?person (a P39 office) is bound")
    st = Statement(
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
