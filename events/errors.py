"""The errors a user can act on.

Every error the program raises on purpose derives from :class:`TimelineError`; the CLI turns
one into a single line on stderr and exit code 1. Each subclass says what was expected,
what was found and, where it can, what to do.
"""

from __future__ import annotations

import attrs

__all__ = [
    "BadArgument",
    "BadDate",
    "BadEvent",
    "Problem",
    "StoreBusy",
    "StoreError",
    "TimelineError",
    "UnknownParty",
    "UnknownSubject",
    "ValidationFailed",
    "shorten",
]


def shorten(text: str, limit: int = 60) -> str:
    """A user's text for an error message: at most ``limit`` characters and how long it was."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


class TimelineError(Exception):
    """Base class of every error the engine reports to a user."""


class BadDate(TimelineError, ValueError):
    """A date is not valid EDTF, or is not the kind of date expected here."""


class BadEvent(TimelineError, ValueError):
    """An event record is malformed: a missing or unknown field, a bad value."""


class BadArgument(TimelineError, ValueError):
    """A query's argument is not one of the values it accepts."""


class UnknownSubject(TimelineError, LookupError):
    """No subject has this id, alias or name."""


class UnknownParty(TimelineError, LookupError):
    """No state has this code or name."""


class StoreError(TimelineError):
    """A store cannot be opened, read or written as asked."""


class StoreBusy(StoreError):
    """Another process holds the store."""


@attrs.frozen
class Problem:
    """One problem in an input, located by file and line (and event id when known)."""

    file: str
    line: int
    message: str
    event_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f"event {shorten(self.event_id)}: " if self.event_id else ""
        message = self.message if len(self.message) <= 500 else self.message[:500] + "…"
        return f"{where}: {who}{message}"


class ValidationFailed(TimelineError, ValueError):
    """One or more inputs are invalid; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid input"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))
