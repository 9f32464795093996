"""The catalog's own text format (``.tl``): one file per subject, comments allowed.

See ``docs/catalog-format.md``. Reading builds interchange records and hands them to
``event_from_record``, so a ``.tl`` file and its JSON lines give the same events; writing
emits JSON-quoted values wherever plain text would not read back exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from .codec import FIELD_ORDER, event_from_record, event_to_record, json_line
from .errors import Problem, TimelineError
from .model import Entry, Origin

__all__ = ["read_catalog", "write_catalog"]

_EVENT_KEYS = set(FIELD_ORDER) - {"sources", "id"}
_SOURCE_KEYS = ("ref", "title", "quote", "url", "page")
_NUMBER = re.compile(r"^-?[0-9]+$")  # an unquoted page of digits is a number; quote it to keep it text


class _Syntax(Exception):
    pass


def _value(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as e:
            raise _Syntax(f"quoted value is not a valid JSON string ({e.msg})") from None
        if not isinstance(value, str):
            raise _Syntax("quoted value must be a JSON string")
        return value
    return raw


def _source_value(key: str, raw: str) -> Any:
    if key == "page" and _NUMBER.match(raw.strip()):
        return int(raw.strip())
    return _value(raw)


def _split(body: str) -> tuple[str, str]:
    key, sep, rest = body.partition(":")
    if not sep:
        raise _Syntax(f"expected 'key: value', found {body.strip()!r}")
    return key.strip(), rest


def read_catalog(lines: Iterable[str], file: str, problems: list[Problem]) -> Iterator[Entry]:
    """Events from a ``.tl`` file; every problem is added to ``problems`` (reading goes on)."""
    subject: str | None = None
    aliases: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None  # {"rec": ..., "line": n, "bad": bool}
    alias: dict[str, Any] | None = None
    source: dict[str, Any] | None = None

    def finish() -> Iterator[Entry]:
        nonlocal current
        if current is not None and not current["bad"]:
            rec = current["rec"]
            if subject is not None:
                rec.setdefault("subject", subject)
            try:
                yield event_from_record(rec, Origin(file, current["line"]))
            except TimelineError as e:
                problems.append(Problem(file, current["line"], str(e), rec.get("id")))
        current = None

    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        try:
            if "\t" in line[: indent + 1] and line[0] == "\t":
                raise _Syntax("indent with spaces, not tabs")
            if indent == 0:
                yield from finish()
                alias = source = None
                word, _, rest = stripped.partition(" ")
                rest = rest.strip()
                if word == "subject" and rest:
                    subject = rest
                elif word == "source" and rest:
                    alias = aliases[rest] = {}
                elif word == "event" and rest:
                    current = {"rec": {"id": rest}, "line": number, "bad": False}
                else:
                    raise _Syntax(f"expected 'subject ID', 'source ALIAS' or 'event ID', found {stripped!r}")
            elif alias is not None and current is None:
                key, raw = _split(stripped)
                if key not in _SOURCE_KEYS:
                    raise _Syntax(f"unknown source field {key!r} (expected {', '.join(_SOURCE_KEYS)})")
                alias[key] = _source_value(key, raw)
            elif current is None:
                raise _Syntax("indented line outside an event or source block")
            elif indent >= 4 and source is not None:
                key, raw = _split(stripped)
                if key not in _SOURCE_KEYS:
                    raise _Syntax(f"unknown source field {key!r} (expected {', '.join(_SOURCE_KEYS)})")
                source[key] = _source_value(key, raw)
            else:
                key, raw = _split(stripped)
                value = _value(raw)
                if key == "source":
                    source = dict(aliases.get(value, {"ref": value}))
                    current["rec"].setdefault("sources", []).append(source)
                elif key in _EVENT_KEYS:
                    source = None
                    if key in current["rec"]:
                        raise _Syntax(f"field {key!r} given twice")
                    current["rec"][key] = value
                else:
                    raise _Syntax(f"field {key!r} is not an event field")
        except _Syntax as e:
            eid = current["rec"].get("id") if current else None
            problems.append(Problem(file, number, str(e), eid))
            if current is not None:
                current["bad"] = True
    yield from finish()


def _fmt(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text != text.strip() or text.splitlines() != [text] or text.startswith('"'):
        return json_line(text)
    return text


def write_catalog(events: Iterable[Entry], out) -> int:
    """Write events in the catalog format; reads back to the same events."""
    n = 0
    for event in events:
        rec = event_to_record(event)
        out.write(f"event {rec.pop('id')}\n")
        for key, value in rec.items():
            if key == "sources":
                for s in value:
                    out.write(f"  source: {_fmt(s['ref'])}\n")
                    for k in _SOURCE_KEYS[1:]:
                        if k in s:
                            v = s[k]
                            v = (
                                json_line(v)
                                if k == "page" and isinstance(v, str) and _NUMBER.match(v.strip())
                                else _fmt(v)
                            )
                            out.write(f"    {k}: {v}\n")
            else:
                out.write(f"  {key}: {_fmt(value)}\n")
        out.write("\n")
        n += 1
    return n
