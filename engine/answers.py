"""What queries return: small value objects with the JSON shapes of the CLI contract."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

__all__ = ["BodyRow", "Diff", "Explanation", "MemberRow", "Members", "OfficeRow", "Row", "State", "iso_window"]


def iso_window(window: tuple[int, int] | None) -> dict[str, str] | None:
    if window is None:
        return None
    return {"from": date.fromordinal(window[0]).isoformat(), "to": date.fromordinal(window[1]).isoformat()}


class Row:
    """Common JSON rendering: the contract's fields first, ``during`` and ``window`` when set."""

    _fields: tuple[str, ...] = ()
    during: str | None  # every row declares these two fields
    window: tuple[int, int] | None

    def to_json(self) -> dict[str, Any]:
        out = {f: getattr(self, f) for f in self._fields}
        if self.during is not None:
            out["during"] = self.during
        if self.window is not None:
            out["window"] = iso_window(self.window)
        return out


@attrs.frozen(kw_only=True)
class MemberRow(Row):
    _fields = ("party", "name", "standing", "since", "until", "certainty")
    party: str
    name: str
    standing: str
    since: str
    until: str | None
    certainty: str
    during: str | None = None
    window: tuple[int, int] | None = None
    event_id: str = attrs.field(default="", eq=False)


@attrs.frozen(kw_only=True)
class OfficeRow(Row):
    _fields = ("office", "holder", "nationality", "since", "certainty")
    office: str
    holder: str
    nationality: str | None
    since: str
    until: str | None
    certainty: str
    during: str | None = None
    window: tuple[int, int] | None = None
    event_id: str = attrs.field(default="", eq=False)


@attrs.frozen(kw_only=True)
class BodyRow(Row):
    _fields = ("body", "name", "since", "until", "certainty")
    body: str
    name: str
    since: str
    until: str | None
    certainty: str
    during: str | None = None
    window: tuple[int, int] | None = None
    event_id: str = attrs.field(default="", eq=False)


@attrs.frozen(kw_only=True)
class Members:
    """Who held a standing in a subject on a day or over a period."""

    subject: str
    answered_for: str
    on: str
    exists: bool
    rows: tuple[MemberRow, ...]
    notes: tuple[str, ...] = ()

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def parties(self) -> list[str]:
        return [r.party for r in self.rows]

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.rows]


@attrs.frozen(kw_only=True)
class State:
    subject: str
    answered_for: str
    on: str
    exists: bool
    members: tuple[MemberRow, ...]
    offices: tuple[OfficeRow, ...]
    bodies: tuple[BodyRow, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out = {
            "subject": self.subject,
            "on": self.on,
            "exists": self.exists,
            "members": [r.to_json() for r in self.members],
            "offices": [r.to_json() for r in self.offices],
            "bodies": [r.to_json() for r in self.bodies],
        }
        if self.answered_for != self.subject:
            out["answered_for"] = self.answered_for
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@attrs.frozen(kw_only=True)
class Diff:
    subject: str
    from_: str
    to: str
    joined: tuple[dict, ...]
    left: tuple[dict, ...]
    changed: tuple[dict, ...]
    offices: tuple[dict, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "from": self.from_,
            "to": self.to,
            "joined": list(self.joined),
            "left": list(self.left),
            "changed": list(self.changed),
            "offices": list(self.offices),
        }


@attrs.frozen(kw_only=True)
class Explanation:
    subject: str
    answered_for: str
    party: str
    name: str
    on: str
    rows: tuple[MemberRow, ...]
    chain: tuple[dict, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out = {
            "subject": self.subject,
            "party": self.party,
            "name": self.name,
            "on": self.on,
            "standing": [r.to_json() for r in self.rows],
            "chain": list(self.chain),
        }
        if self.answered_for != self.subject:
            out["answered_for"] = self.answered_for
        if self.notes:
            out["notes"] = list(self.notes)
        return out
