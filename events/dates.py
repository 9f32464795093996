"""EDTF dates as intervals of days.

Every date in the engine is an interval: the earliest and the latest day it can mean.
``1993`` is 1993-01-01..1993-12-31, ``2006-22`` (summer) is 2006-06-01..2006-08-31,
``2012?`` widens to the neighbouring years. Plain ISO dates take a fast path; everything
else goes through the ``edtf`` package, whose known faults are corrected here, in one
place: winter (``-24``) runs into February of the next year, and open intervals
(``../2019``) are parsed side by side.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime

import attrs

from .errors import BadDate

__all__ = [
    "MAX_DATE_LENGTH",
    "OPEN_END",
    "OPEN_START",
    "When",
    "parse_date",
    "parse_instant",
    "parse_period",
    "period_of",
]

OPEN_START = date(1, 1, 1)
OPEN_END = date(9999, 12, 31)

# [0-9], not \d: a date is written in ASCII digits (\d would take ２００１ and ٢٠٠١ too)
_ISO = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_SEASON = re.compile(r"^([0-9]{4})-(2[1-4])$")
_ONE_OF = re.compile(r"^\[([0-9]{4}(?:-[0-9]{2}){0,2})\.\.([0-9]{4}(?:-[0-9]{2}){0,2})\]$")  # one of: [1951..1955]
# A set of plain dates and ranges of them ({1985,1990..1992}, [2001-05,2002]): parsed here in
# linear time, as the edtf package would read it (it takes ~11 ms an element).
_SET = re.compile(r"^([\[{])([0-9 ,.\-]*)([\]}])$")
_PLAIN = r"[0-9]{4}(?:-[0-9]{2}){0,2}"
_SET_ELEMENT = re.compile(rf"^({_PLAIN})(?:\.\.({_PLAIN}))?$")
MAX_DATE_LENGTH = 200  # characters: the longest EDTF date the engine reads
_TIME_PART = re.compile(r"[Tt ][0-9]")  # a date-time has its time after T (or a space)
# 2024-05-01T12:00:00.123456+00:00 (or Z): the extended form that stores and exports write
_CANONICAL = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})?$"
)
_QUALIFIERS = "?~%"
_EXAMPLES = "expected EDTF such as 1992-05-15, 2012-06, 1993, 2006-22 (summer), 2012? or 2007~"
_RANGE = "years 0001-9999"


@attrs.frozen(order=False)
class When:
    """An EDTF date and the interval of days it covers (``lo`` and ``hi`` inclusive)."""

    text: str
    lo: date = attrs.field(eq=False)
    hi: date = attrs.field(eq=False)

    @property
    def is_day(self) -> bool:
        return self.lo == self.hi

    def __str__(self) -> str:
        return self.text


def _iso(text: str, m: re.Match) -> When:
    year = int(m.group(1))
    month = m.group(2)
    day = m.group(3)
    if year == 0:
        raise BadDate(f"bad date {text!r}: year 0000 is outside the {_RANGE}")
    if month is None:
        return When(text, date(year, 1, 1), date(year, 12, 31))
    mo = int(month)
    if not 1 <= mo <= 12:
        raise BadDate(f"bad date {text!r}: month {month} is not 01-12 ({_EXAMPLES})")
    last = calendar.monthrange(year, mo)[1]
    if day is None:
        return When(text, date(year, mo, 1), date(year, mo, last))
    dd = int(day)
    if not 1 <= dd <= last:
        raise BadDate(f"bad date {text!r}: day {day} does not exist in {year}-{month} (that month has {last} days)")
    d = date(year, mo, dd)
    return When(text, d, d)


def _season(text: str, m: re.Match) -> When:
    year, season = int(m.group(1)), int(m.group(2))
    if year == 0:
        raise BadDate(f"bad date {text!r}: year 0000 is outside the {_RANGE}")
    if season == 24:  # winter: December to the end of February of the next year
        nxt = year + 1
        if nxt > 9999:
            raise BadDate(f"bad date {text!r}: winter {year} runs into {nxt}, outside the {_RANGE}")
        return When(text, date(year, 12, 1), date(nxt, 2, calendar.monthrange(nxt, 2)[1]))
    start = {21: 3, 22: 6, 23: 9}[season]
    end = start + 2
    return When(text, date(year, start, 1), date(year, end, calendar.monthrange(year, end)[1]))


def _check_qualified(text: str) -> None:
    """A qualified plain date (``2005-13?``) names the part that fails, as the plain date would."""
    base = text.rstrip(_QUALIFIERS)
    if base == text:
        return
    if _SEASON.match(base):
        raise BadDate(
            f"bad date {text!r}: a season cannot be qualified with ?, ~ or %; "
            f"write {base} alone, or its year or months with the qualifier"
        )
    m = _ISO.match(base)
    if m:
        _iso(text, m)


def _edtf(text: str) -> When:
    import edtf  # imported only for dates that are not plain ISO: it costs start-up time

    _check_qualified(text)
    try:
        parsed = edtf.parse_edtf(text)
    except Exception:
        raise BadDate(f"bad date {text!r}: not EDTF ({_EXAMPLES})") from None
    if isinstance(parsed, edtf.Interval):
        raise BadDate(f"bad date {text!r}: an interval is not a date; write its two ends as two events")
    try:
        qualified = any(c in text for c in _QUALIFIERS)
        lo = parsed.lower_fuzzy() if qualified else parsed.lower_strict()
        hi = parsed.upper_fuzzy() if qualified else parsed.upper_strict()
        lo_d, hi_d = date(*lo[:3]), date(*hi[:3])
    except (ValueError, OverflowError, TypeError):
        raise BadDate(f"bad date {text!r}: the days it can mean run outside the {_RANGE}") from None
    except Exception:
        raise BadDate(f"bad date {text!r}: not EDTF ({_EXAMPLES})") from None
    m = _ISO.match(text.rstrip(_QUALIFIERS))
    if qualified and m and m.group(2) is not None and m.group(3) is None:
        # edtf pads a qualified month by a year and a month counted from its last day, so
        # 2005-06? would end on 2006-07-30; a month's interval ends on the last day of a month.
        hi_d = date(hi_d.year, hi_d.month, calendar.monthrange(hi_d.year, hi_d.month)[1])
    return When(text, lo_d, hi_d)


def _bounded(s: str) -> None:
    """A date of at most ``MAX_DATE_LENGTH`` characters, all of them ASCII."""
    if len(s) > MAX_DATE_LENGTH:
        raise BadDate(
            f"bad date {s[:40] + '…'!r}: {len(s)} characters, longer than the {MAX_DATE_LENGTH} a date may have"
        )
    if not s.isascii():
        odd = next(c for c in s if not c.isascii())
        raise BadDate(f"bad date {s!r}: {odd!r} is not ASCII; write dates with the digits 0-9 ({_EXAMPLES})")


def _set(s: str) -> When | None:
    """A set of plain dates and ranges, or None when the text needs the edtf package."""
    m = _SET.match(s)
    if not m or (m.group(1) == "[") != (m.group(3) == "]"):
        return None
    parts = m.group(2).split(",")
    if len(parts) == 1 and ".." not in parts[0]:
        return None  # {1985} alone is not EDTF: the edtf package says so
    lo = hi = None
    for part in parts:
        e = _SET_ELEMENT.match(part.strip())
        if not e:
            return None
        if e.group(2) and len(e.group(1)) != len(e.group(2)):
            return None  # a range between two precisions (1990..1991-05): as the edtf package reads it
        first = parse_date(e.group(1))
        last = parse_date(e.group(2)) if e.group(2) else first
        if first.lo > last.lo:
            raise BadDate(f"bad date {s!r}: the range {e.group(1)}..{e.group(2)} runs backwards")
        lo = first.lo if lo is None else min(lo, first.lo)
        hi = last.hi if hi is None else max(hi, last.hi)
    if lo is None or hi is None:
        return None
    return When(s, lo, hi)


def parse_date(text: str) -> When:
    """Parse one EDTF date (not an interval) into the days it can mean."""
    if not isinstance(text, str):
        raise BadDate(f"bad date {text!r}: expected text ({_EXAMPLES})")
    s = text.strip()
    if not s:
        raise BadDate(f"empty date ({_EXAMPLES})")
    _bounded(s)
    m = _SEASON.match(s)
    if m:
        return _season(s, m)
    m = _ISO.match(s)
    if m:
        return _iso(s, m)
    m = _ONE_OF.match(s)
    if m:
        first, last = parse_date(m.group(1)), parse_date(m.group(2))
        if first.lo > last.hi:
            raise BadDate(f"bad date {s!r}: the set runs backwards ({m.group(1)} is after {m.group(2)})")
        return When(s, first.lo, last.hi)
    if "/" in s:
        raise BadDate(f"bad date {s!r}: an interval is not a date; write its two ends as two events")
    quick = _set(s)
    if quick is not None:
        return quick
    return _edtf(s)


def parse_period(text: str) -> When:
    """Parse a date or an interval (``2004/2006``, ``../2019``, ``2004/..``) as a period of days."""
    if not isinstance(text, str) or not text.strip():
        raise BadDate(f"empty date ({_EXAMPLES})")
    s = text.strip()
    if "/" not in s:
        return parse_date(s)
    _bounded(s)
    if s.count("/") != 1:
        raise BadDate(f"bad period {s!r}: expected START/END")
    start, end = s.split("/")
    lo = OPEN_START if start in ("", "..") else _side(s, start, "start").lo
    hi = OPEN_END if end in ("", "..") else _side(s, end, "end").hi
    if lo > hi:
        raise BadDate(f"bad period {s!r}: its start {start} is after its end {end}")
    return When(s, lo, hi)


def _side(whole: str, part: str, which: str) -> When:
    try:
        return parse_date(part)
    except BadDate as e:
        raise BadDate(f"bad period {whole!r}: its {which} {part!r} is not a date ({e})") from None


def parse_instant(text: str) -> datetime:
    """Parse a transaction time (ISO 8601 date or date-time) as an aware UTC datetime.

    A bare date, month or year means the end of it, so ``--as-known 2020-01-01`` includes
    everything recorded on that day and ``--as-known 2020`` everything recorded in 2020. A
    date-time in the extended form that stores and exports write (``2024-05-01T12:00:00.5+02:00``,
    ``…Z``) takes the standard library's parser, the hot path of an import; every other ISO 8601
    form is read by pendulum's parser: the basic format (``20240501T120000Z``), week and ordinal
    dates with a time (``2024-W18-3T12:00Z``, ``2024-122T12:00Z``), a space for ``T``, lower-case
    letters, decimal commas. Without an offset the time is UTC. A week, an ordinal date or a
    duration without a time is refused, as before.
    """
    s = str(text).strip()
    expected = f"bad date-time {s[:80]!r}: expected ISO 8601 such as 2024-05-01 or 2024-05-01T12:00:00Z"
    if len(s) > MAX_DATE_LENGTH or not s.isascii():
        raise BadDate(expected)
    m = _ISO.match(s)
    try:
        if m:
            return _end_of_day(_iso(s, m).hi)
        if _CANONICAL.match(s):  # the form stores and exports write: the standard library's C parser, 3x faster
            parsed = datetime.fromisoformat(s)
        else:  # every other ISO 8601 form: pendulum's parser
            parsed = _iso8601(s.upper())  # ISO 8601 letters (T, Z, W) in either case
        if not isinstance(parsed, datetime) or not _TIME_PART.search(s):
            raise ValueError(s)  # a week, an ordinal date or a duration alone is not an instant
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (BadDate, ValueError, OverflowError, TypeError):
        raise BadDate(expected) from None


_PARSER = None


def _iso8601(text: str):
    """pendulum's ISO 8601 parser (its C extension), imported on first use: pendulum costs ~50 ms
    to import, so a bare date never pays for it."""
    global _PARSER  # noqa: PLW0603 - a lazily imported function, set once
    if _PARSER is None:
        from pendulum.parsing import ParserError, parse_iso8601

        def parse(value: str):
            try:
                return parse_iso8601(value)
            except ParserError:
                raise ValueError(value) from None

        _PARSER = parse
    return _PARSER(text)


def _end_of_day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 23, 59, 59, 999999, tzinfo=UTC)


def period_of(on: str | When) -> When:
    """``on`` as a period: a ``When`` as it is, text parsed as EDTF."""
    return on if isinstance(on, When) else parse_period(str(on))
