"""The sources behind an answer, as a bibliography: BibTeX or CSL-JSON.

``cited(tl, "SCO", on="2020")`` gathers the events that produce the rows of ``members`` (or, with a
party, that party's standing, as ``explain`` finds it) and the sources they cite, one entry per
document: sources that differ only by quote or page are one document. Each entry has a key that
depends only on the document (its author or publisher, year and first title word; a short hash of
the whole description is added where two documents of one answer would share a key), so the same
document gets the same key in every answer where it is alone under that name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import attrs

from ..events.dates import parse_date
from ..events.model import Event, Source

__all__ = ["Citation", "cited", "to_bibtex", "to_csl_json"]

_PUBLIC = "public-record:"
_SMALL_WORDS = {"a", "an", "the", "of", "on", "in", "and", "for", "to", "at", "by", "de", "la", "le"}


@attrs.frozen
class Citation:
    """One document behind an answer, with the events that cite it (ids, in replay order)."""

    key: str
    source: Source
    events: tuple[str, ...]

    @property
    def identity(self) -> tuple[str | None, ...]:
        return _identity(self.source)


def _identity(s: Source) -> tuple[str | None, ...]:
    return (s.ref, s.title, s.author, s.publisher, s.issued, s.url)


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", folded)


def _base_key(s: Source) -> str:
    who = [w for w in _ascii_words(s.author or s.publisher or "") if w not in _SMALL_WORDS]
    what = [w for w in _ascii_words(s.title) if w not in _SMALL_WORDS]
    year = s.issued[:4] if s.issued and s.issued[:4].isdigit() else "nd"
    return (who[0] if who else "anon") + year + (what[0] if what else "")


def _hash(s: Source) -> str:
    return hashlib.sha1(repr(_identity(s)).encode()).hexdigest()[:6]


def _keyed(sources: dict[tuple, tuple[Source, list[str]]]) -> list[Citation]:
    by_base: dict[str, list[tuple]] = {}
    for ident, (s, _) in sources.items():
        by_base.setdefault(_base_key(s), []).append(ident)
    out = []
    for base, idents in by_base.items():
        for ident in idents:
            s, events = sources[ident]
            key = base if len(idents) == 1 else f"{base}-{_hash(s)}"
            out.append(Citation(key=key, source=s, events=tuple(dict.fromkeys(events))))
    return sorted(out, key=lambda c: c.key)


def _events_behind(tl, subject: str, on: str, party: str | None, standing: str | None) -> list[Event]:
    if party is not None:
        rows = tl.explain(subject, party, on=on).rows
    else:
        rows = tl.members(subject, on=on, standing=standing).rows
    wanted = [r.event_id for r in rows if r.event_id]
    by_id = {e.id: e for e in tl.events_in_force()}
    return [by_id[i] for i in dict.fromkeys(wanted) if i in by_id]


def cited(tl, subject: str, on: str, party: str | None = None, standing: str | None = None) -> list[Citation]:
    """The documents behind ``members`` (or a party's standing) in ``subject`` on ``on``, one entry each."""
    sources: dict[tuple, tuple[Source, list[str]]] = {}
    for event in _events_behind(tl, subject, on, party, standing):
        for s in event.sources:
            ident = _identity(s)
            if ident not in sources:
                sources[ident] = (s, [])
            sources[ident][1].append(event.id)
    return _keyed(sources)


# -- BibTeX -------------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in " ".join(text.split()))


def _checked_against(c: Citation) -> str:
    ref = c.source.ref
    where = ref[len(_PUBLIC) :] if ref.startswith(_PUBLIC) else f"bundled copy {ref}"
    return f"Checked against: {where}. Cited by: {', '.join(c.events)}."


def _bibtex_entry(c: Citation) -> str:
    s = c.source
    fields: list[tuple[str, str]] = [("title", "{" + _tex(s.title) + "}")]
    if s.author:
        fields.append(("author", "{" + _tex(s.author) + "}"))  # braced: a body or a name, never split
    if s.publisher:
        fields.append(("publisher", _tex(s.publisher)))
        fields.append(("organization", _tex(s.publisher)))
    if s.issued:
        when = parse_date(s.issued)
        fields.append(("year", str(when.lo.year)))
        if (when.lo.year, when.lo.month) == (when.hi.year, when.hi.month):
            fields.append(("month", str(when.lo.month)))
        fields.append(("date", _tex(s.issued)))
    if s.url:
        fields.append(("url", s.url.replace("{", "%7B").replace("}", "%7D")))
        fields.append(("howpublished", "\\url{" + s.url.replace("{", "%7B").replace("}", "%7D") + "}"))
    fields.append(("note", _tex(_checked_against(c))))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


def to_bibtex(citations: Iterable[Citation]) -> str:
    """BibTeX ``@misc`` entries (``url``, ``date`` for biblatex; ``howpublished`` for classic styles)."""
    return "\n".join(_bibtex_entry(c) for c in citations)


# -- CSL-JSON -----------------------------------------------------------------------------------------


def _csl_date(text: str) -> dict[str, Any]:
    when = parse_date(text)
    lo, hi = when.lo, when.hi
    if lo == hi:
        return {"date-parts": [[lo.year, lo.month, lo.day]]}
    if lo.year == hi.year and lo.month == hi.month and lo.day == 1:
        return {"date-parts": [[lo.year, lo.month]]}
    if lo.year == hi.year and (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31):
        return {"date-parts": [[lo.year]]}
    return {"raw": text}


def _csl_type(s: Source) -> str:
    if not s.ref.startswith(_PUBLIC) and "/" in s.ref:
        return "dataset"
    return "webpage" if s.url else "document"


def _csl_item(c: Citation) -> dict[str, Any]:
    s = c.source
    item: dict[str, Any] = {"id": c.key, "type": _csl_type(s), "title": s.title}
    if s.author:
        item["author"] = [{"literal": s.author}]
    if s.publisher:
        item["publisher"] = s.publisher
        if s.url:
            item["container-title"] = s.publisher
    if s.issued:
        item["issued"] = _csl_date(s.issued)
    if s.url:
        item["URL"] = s.url
    item["note"] = _checked_against(c)
    return item


def to_csl_json(citations: Iterable[Citation]) -> list[dict[str, Any]]:
    """CSL-JSON items (the citeproc input format): ``id``, ``type``, ``title``, ``author``, ``issued``,
    ``URL``, ``publisher``, ``note``."""
    return [_csl_item(c) for c in citations]
