"""The interchange form: one JSON object per line, versioned.

``event_from_record`` is the one way a record becomes an event: it checks every field and
raises :class:`BadEvent` naming the field. ``event_to_record`` is its inverse. A record may
carry ``"v"`` (the interchange version, 1 when absent); older versions are upgraded here as
they are read.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, Literal, overload

from .dates import parse_date, parse_instant
from .errors import BadDate, BadEvent, Problem, TimelineError, shorten
from .model import (
    BodyEvent,
    CoverageEvent,
    Entry,
    OfficeEvent,
    Origin,
    ParticipationEvent,
    Retraction,
    Source,
    SubjectEvent,
)
from .parties import is_party_code
from .rules import COMMON_FIELDS, FAMILY_FIELDS, ID_PATTERN, SLUG_PATTERN, SUBJECT_PATTERN, family_of
from .vocabulary import (
    GRANTABLE,
    KINDS,
    SUBJECT_KINDS,
)

__all__ = [
    "FIELD_ORDER",
    "VERSION",
    "dumps_event",
    "event_from_record",
    "event_to_record",
    "json_line",
    "loads_strict",
    "read_jsonl",
    "write_jsonl",
]

VERSION = 1
FIELD_ORDER = (
    "id",
    "date",
    "subject",
    "kind",
    "party",
    "status",
    "office",
    "holder",
    "nationality",
    "body",
    "name",
    "subject_kind",
    "predecessor",
    "parties",
    "effective",
    "retracts",
    "corrects",
    "sources",
    "recorded",
    "note",
)
# what every record may hold, and what each family adds: declared in events.rules
_COMMON = COMMON_FIELDS
_BY_FAMILY = FAMILY_FIELDS
_SOURCE_FIELDS = {"title", "ref", "quote", "url", "page", "author", "publisher", "issued"}
_ID = re.compile(f"^{ID_PATTERN}$")
_SUBJECT = re.compile(f"^{SUBJECT_PATTERN}$")
_SLUG = re.compile(f"^{SLUG_PATTERN}$")


_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


def _short(value: Any, limit: int = 60) -> str:
    """A user's value for an error message: JSON, cut to ``limit`` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _r(value: Any) -> str:
    """``repr`` of a user's value for an error message, long text cut short."""
    return repr(shorten(value)) if isinstance(value, str) else _short(value)


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _family(kind: str) -> str:
    return family_of(kind)


def _upcast(rec: dict[str, Any]) -> dict[str, Any]:
    v = rec.get("v", VERSION)
    if v != VERSION:
        raise BadEvent(f"interchange version {_r(v)} is not supported (this program reads version {VERSION})")
    return rec


@overload
def _text(rec: dict, key: str, required: Literal[True]) -> str: ...
@overload
def _text(rec: dict, key: str, required: bool = False) -> str | None: ...
def _text(rec: dict, key: str, required: bool = False) -> str | None:
    value = rec.get(key)
    if value is None:
        if required:
            raise BadEvent(f"missing required field {_r(key)}")
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadEvent(f"field {_r(key)} must be non-empty text, found {_short(value)}")
    if _SURROGATE.search(value):
        raise BadEvent(f"field {_r(key)} holds an unpaired surrogate (\\ud800-\\udfff): not valid Unicode text")
    return value


def _sources(value: Any) -> tuple[Source, ...]:
    if value is None:
        raise BadEvent("missing required field 'sources' (at least one {title, ref})")
    if not isinstance(value, list) or not value:
        raise BadEvent("field 'sources' must be a non-empty list of {title, ref, quote?, url?, page?}")
    out = []
    for i, s in enumerate(value, 1):
        if not isinstance(s, dict):
            raise BadEvent(f"source {i} must be an object with title and ref")
        extra = set(s) - _SOURCE_FIELDS
        if extra:
            raise BadEvent(
                f"source {i} has unknown field {_r(sorted(extra)[0])}"
                " (expected title, ref, quote, url, page, author, publisher, issued)"
            )
        for key in ("title", "ref"):
            if not isinstance(s.get(key), str) or not s[key].strip():
                raise BadEvent(f"source {i} needs a non-empty {_r(key)}")
        for key in ("quote", "url", "author", "publisher", "issued"):
            if s.get(key) is not None and not isinstance(s[key], str):
                raise BadEvent(f"source {i}: {_r(key)} must be text")
        for key in ("title", "ref", "quote", "url", "page", "author", "publisher", "issued"):
            if isinstance(s.get(key), str) and _SURROGATE.search(s[key]):
                raise BadEvent(
                    f"source {i}: {_r(key)} holds an unpaired surrogate (\\ud800-\\udfff): not valid Unicode text"
                )
        page = s.get("page")
        if page is not None and (isinstance(page, bool) or not isinstance(page, (str, int))):
            raise BadEvent(f"source {i}: 'page' must be text or a number")
        issued = s.get("issued")
        if issued is not None:
            try:
                parse_date(issued)
            except ValueError as e:
                raise BadEvent(f"source {i}: 'issued': {e}") from None
        out.append(
            Source(
                title=s["title"],
                ref=s["ref"],
                quote=s.get("quote"),
                url=s.get("url"),
                page=page,
                author=s.get("author"),
                publisher=s.get("publisher"),
                issued=issued,
            )
        )
    return tuple(out)


@overload
def _party_code(rec: dict, key: str, required: Literal[True]) -> str: ...
@overload
def _party_code(rec: dict, key: str, required: bool) -> str | None: ...
def _party_code(rec: dict, key: str, required: bool) -> str | None:
    code = _text(rec, key, required)
    if code is not None and not is_party_code(code):
        raise BadEvent(f"{key} {_r(code)} is not an ISO 3166 alpha-3 code (e.g. UZB, KGZ; SUN for the USSR)")
    return code


def _parties(rec: dict) -> str | None:
    """The ``parties`` of an ``attested`` record: ISO alpha-3 codes separated by spaces."""
    text = _text(rec, "parties")
    if text is None:
        return None
    codes = text.split()  # not empty: _text refuses blank text
    for code in codes:
        if not is_party_code(code):
            raise BadEvent(f"parties: {_r(code)} is not an ISO 3166 alpha-3 code (e.g. UZB, KGZ; SUN for the USSR)")
    if len(set(codes)) != len(codes):
        raise BadEvent(f"parties names {_r(next(c for c in codes if codes.count(c) > 1))} twice")
    return text


def event_from_record(rec: Any, origin: Origin | None = None) -> Entry:
    """Build a log entry (an event or a retraction) from one interchange record, checking every field."""
    if not isinstance(rec, dict):
        raise BadEvent(f"expected a JSON object, found {_json_type(rec)}")
    rec = _upcast(rec)
    kind = rec.get("kind")
    if kind is None:
        raise BadEvent("missing required field 'kind'")
    if kind not in KINDS:
        close = difflib.get_close_matches(str(kind), KINDS, n=1) if len(str(kind)) <= 40 else []
        hint = f" — did you mean {close[0]!r}?" if close else ""
        raise BadEvent(f"unknown kind {_r(kind)}{hint}")
    family = _family(kind)
    unknown = set(rec) - _COMMON - _BY_FAMILY[family]
    if unknown:
        key = sorted(unknown, key=str)[0]
        known = any(key in fields for fields in _BY_FAMILY.values())
        if known:
            raise BadEvent(f"field {_r(key)} does not apply to kind {_r(kind)}")
        allowed = sorted(_COMMON | _BY_FAMILY[family])
        close = difflib.get_close_matches(str(key), allowed, n=1) if len(str(key)) <= 40 else []
        hint = f" — did you mean {close[0]!r}?" if close else f" (fields of kind {_r(kind)}: {', '.join(allowed)})"
        raise BadEvent(f"field {_r(key)} is not an event field{hint}")
    eid = _text(rec, "id", True)
    if not _ID.match(eid):
        raise BadEvent(f"id {_r(eid)} must be a slug: letters, digits and . _ : ~ + - (no spaces)")
    subject = _text(rec, "subject", True)
    if not _SUBJECT.match(subject):
        raise BadEvent(f"subject {_r(subject)} must be an upper-case id such as CSTO or OP-CAT")
    try:
        text = _text(rec, "date", kind != "retracted")
        date = parse_date(text) if text is not None else None
        effective_text = _text(rec, "effective")
        effective = parse_date(effective_text) if effective_text is not None else None
        recorded = _text(rec, "recorded")
        if recorded is not None:
            parse_instant(recorded)
    except BadDate as e:
        raise BadEvent(str(e)) from None
    common = dict(
        id=eid,
        kind=kind,
        subject=subject,
        date=date,
        effective=effective,
        sources=_sources(rec.get("sources")),
        recorded=recorded,
        corrects=_text(rec, "corrects"),
        note=_text(rec, "note"),
        origin=origin,
    )
    if family == "lifecycle":
        name = _text(rec, "name", kind in ("founded", "renamed"))
        subject_kind = _text(rec, "subject_kind", kind == "founded")
        if subject_kind is not None and subject_kind not in SUBJECT_KINDS:
            raise BadEvent(f"subject_kind {_r(subject_kind)} must be organization or treaty")
        predecessor = _text(rec, "predecessor")
        if predecessor is not None and not _SUBJECT.match(predecessor):
            raise BadEvent(f"predecessor {_r(predecessor)} must be an upper-case subject id")
        return SubjectEvent(name=name, subject_kind=subject_kind, predecessor=predecessor, **common)
    if family == "participation":
        status = _text(rec, "status", kind == "granted")
        if kind == "granted" and status not in GRANTABLE:
            raise BadEvent(f"status {_r(status)} cannot be granted (expected one of {', '.join(GRANTABLE)})")
        if kind != "granted" and status is not None:
            raise BadEvent(f"field 'status' applies only to kind 'granted', not {_r(kind)}")
        return ParticipationEvent(party=_party_code(rec, "party", True), status=status, **common)
    if family == "office":
        office = _text(rec, "office", True)
        if not _SLUG.match(office):
            raise BadEvent(f"office {_r(office)} must be a lower-case slug such as secretary-general")
        return OfficeEvent(
            office=office,
            holder=_text(rec, "holder", kind == "appointed"),
            nationality=_party_code(rec, "nationality", False),
            **common,
        )
    if family == "body":
        body = _text(rec, "body", True)
        if not _SLUG.match(body):
            raise BadEvent(f"body {_r(body)} must be a lower-case slug such as parliamentary-assembly")
        return BodyEvent(body=body, name=_text(rec, "name"), **common)
    if family == "coverage":
        return CoverageEvent(parties=_parties(rec), **common)
    return Retraction(retracts=_text(rec, "retracts", True), **common)


def event_to_record(event: Entry) -> dict[str, Any]:
    """The interchange record of a log entry (fields in a fixed order, absent ones left out)."""
    rec: dict[str, Any] = {}
    for key in FIELD_ORDER:
        value = getattr(event, key, None)
        if value is None:
            continue
        if key == "sources":
            value = [
                {
                    k: v
                    for k, v in (
                        ("title", s.title),
                        ("ref", s.ref),
                        ("quote", s.quote),
                        ("url", s.url),
                        ("page", s.page),
                        ("author", s.author),
                        ("publisher", s.publisher),
                        ("issued", s.issued),
                    )
                    if v is not None
                }
                for s in value
            ]
        elif key in ("date", "effective"):
            value = value.text
        rec[key] = value
    return rec


# Characters that ``str.splitlines`` breaks on and ``json.dumps(ensure_ascii=False)`` leaves
# as they are: escaped, so that one event is always one line.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(value: Any) -> str:
    """JSON text on one line, whatever line breaks the values hold (UTF-8 kept readable)."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in _LINE_BREAKS.items():
        if char in text:
            text = text.replace(char, escape)
    return text


def dumps_event(event: Entry) -> str:
    return json_line(event_to_record(event))


class _NotStrictJson(ValueError):
    """JSON that ``json.loads`` takes but the interchange format does not."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for k, v in pairs:
        if k in obj:
            raise _NotStrictJson(f"the key {_r(k)} appears twice in one object")
        obj[k] = v
    return obj


def _no_constant(name: str) -> Any:
    raise _NotStrictJson(f"{name} is not a JSON number")


def loads_strict(text: str) -> Any:
    """JSON as RFC 8259 has it: no key twice in one object (the last would silently win), no
    ``NaN`` or ``Infinity``. Raises ``ValueError`` (``json.JSONDecodeError`` for bad syntax)."""
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def read_jsonl(lines: Iterable[str], file: str, problems: list[Problem]) -> Iterator[Entry]:
    """Events from JSON lines; every bad line is added to ``problems`` (reading goes on)."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = loads_strict(line)
        except (ValueError, RecursionError) as e:  # JSONDecodeError is a ValueError; so is a 5000-digit number
            if isinstance(e, json.JSONDecodeError):
                msg = e.msg
            else:
                msg = "nested too deeply" if isinstance(e, RecursionError) else str(e)
            problems.append(Problem(file, number, f"not valid JSON ({msg})"))
            continue
        try:
            yield event_from_record(rec, Origin(file, number))
        except TimelineError as e:
            eid = rec.get("id") if isinstance(rec, dict) else None
            eid = eid if isinstance(eid, str) and _ID.match(eid) else None  # an invalid id is the problem itself
            problems.append(Problem(file, number, str(e), eid))


def write_jsonl(events: Iterable[Entry], out) -> int:
    n = 0
    for e in events:
        out.write(dumps_event(e) + "\n")
        n += 1
    return n
