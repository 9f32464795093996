"""What queries return: small value objects with the JSON shapes of the CLI contract."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from .frames import DiffFrames, ExplanationFrames, MembersFrames, MembershipsFrames, StateFrames

__all__ = [
    "BodyRow",
    "Diff",
    "Explanation",
    "MemberRow",
    "Members",
    "MembershipRow",
    "Memberships",
    "OfficeRow",
    "Row",
    "State",
    "iso_window",
]


def iso_window(window: tuple[int, int] | None) -> dict[str, str] | None:
    if window is None:
        return None
    return {"from": date.fromordinal(window[0]).isoformat(), "to": date.fromordinal(window[1]).isoformat()}


class Row:
    """Common JSON rendering: the contract's fields first; for a period ``during`` and, apart,
    ``held_certainly`` (all, part or none of the period) and ``held_possibly`` (all or part);
    ``window`` when uncertain; ``attested_until`` when the row is ``unattested`` (the standing was
    in force on the last day the record covers, and the question reaches past it) and ``coverage``
    (``{attested_until, event_id, parties}``) when the record covers only some parties; then the
    event behind the row and its sources."""

    _fields: tuple[str, ...] = ()
    during: str | None  # every row declares these fields
    window: tuple[int, int] | None
    held_certainly: str | None
    held_possibly: str | None
    event_id: str
    sources: tuple[dict[str, str], ...]
    attested_until: str | None
    coverage: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        out = {f: getattr(self, f) for f in self._fields}
        if self.during is not None:
            out["during"] = self.during
            if self.held_certainly is not None:
                out["held_certainly"] = self.held_certainly
                out["held_possibly"] = self.held_possibly
        if self.window is not None:
            out["window"] = iso_window(self.window)
        if self.attested_until is not None:
            out["attested_until"] = self.attested_until
        if self.coverage is not None:
            out["coverage"] = dict(self.coverage)
        if self.event_id:
            out["event_id"] = self.event_id
            out["sources"] = [dict(s) for s in self.sources]
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
    held_certainly: str | None = None
    held_possibly: str | None = None
    event_id: str = attrs.field(default="", eq=False)
    sources: tuple[dict, ...] = attrs.field(default=(), eq=False)
    attested_until: str | None = None
    coverage: dict[str, Any] | None = attrs.field(default=None, eq=False)


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
    held_certainly: str | None = None
    held_possibly: str | None = None
    event_id: str = attrs.field(default="", eq=False)
    sources: tuple[dict, ...] = attrs.field(default=(), eq=False)
    attested_until: str | None = None
    coverage: dict[str, Any] | None = attrs.field(default=None, eq=False)


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
    held_certainly: str | None = None
    held_possibly: str | None = None
    event_id: str = attrs.field(default="", eq=False)
    sources: tuple[dict, ...] = attrs.field(default=(), eq=False)
    attested_until: str | None = None
    coverage: dict[str, Any] | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class MembershipRow(Row):
    """One subject a party stood in; ``continues`` names the subject's predecessor (CSTO: CST)."""

    _fields = ("subject", "name", "kind", "standing", "since", "until", "certainty")
    subject: str
    name: str
    kind: str
    standing: str
    since: str
    until: str | None
    certainty: str
    during: str | None = None
    window: tuple[int, int] | None = None
    held_certainly: str | None = None
    held_possibly: str | None = None
    event_id: str = attrs.field(default="", eq=False)
    sources: tuple[dict, ...] = attrs.field(default=(), eq=False)
    attested_until: str | None = None
    coverage: dict[str, Any] | None = attrs.field(default=None, eq=False)
    continues: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        if self.continues:
            out["continues"] = self.continues
        return out


class _Rows:
    """An answer that is a list of rows: iterated, counted and written as JSON row by row."""

    rows: Sequence[Row]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.rows]


@attrs.frozen(kw_only=True)
class Memberships(_Rows, MembershipsFrames):
    """Every subject a party stood in on a day or over a period (a party's own view)."""

    party: str
    name: str
    on: str
    rows: Sequence[MembershipRow]
    notes: tuple[str, ...] = ()

    @property
    def subjects(self) -> list[str]:
        return [r.subject for r in self.rows]


@attrs.frozen(kw_only=True)
class Members(_Rows, MembersFrames):
    """Who held a standing in a subject on a day or over a period."""

    subject: str
    answered_for: str
    on: str
    exists: bool
    rows: Sequence[MemberRow]
    notes: tuple[str, ...] = ()

    @property
    def parties(self) -> list[str]:
        known = getattr(self.rows, "keys", None)  # a day's answer knows its parties before its rows are made
        return list(known) if isinstance(known, list) else [r.party for r in self.rows]


@attrs.frozen(kw_only=True)
class State(StateFrames):
    subject: str
    answered_for: str
    on: str
    exists: bool
    members: Sequence[MemberRow]
    offices: Sequence[OfficeRow]
    bodies: Sequence[BodyRow]
    notes: tuple[str, ...] = ()
    # what the record covers for the subject, when the answer depends on it: a partial roster, or
    # a date reaching past the last day covered
    coverage: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "subject": self.subject,
            "on": self.on,
            "exists": self.exists,
            "members": [r.to_json() for r in self.members],
            "offices": [r.to_json() for r in self.offices],
            "bodies": [r.to_json() for r in self.bodies],
        }
        if self.coverage is not None:
            out["coverage"] = dict(self.coverage)
        if self.answered_for != self.subject:
            out["answered_for"] = self.answered_for
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@attrs.frozen(kw_only=True)
class Diff(DiffFrames):
    """What changed between the moment just before ``from_`` began and the end of ``to``.

    Each row of ``joined``/``left``/``changed``/``offices`` carries the ``date`` of the last event
    that changed it, the ``event_ids`` of every event between and their ``sources``; ``steps`` are
    those events (as interchange records) in replay order. ``compared`` names the two days compared.
    """

    subject: str
    from_: str
    to: str
    joined: Sequence[dict]
    left: Sequence[dict]
    changed: Sequence[dict]
    offices: Sequence[dict]
    steps: Sequence[dict] = ()
    compared: tuple[str, str] | None = None
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "subject": self.subject,
            "from": self.from_,
            "to": self.to,
            "joined": list(self.joined),
            "left": list(self.left),
            "changed": list(self.changed),
            "offices": list(self.offices),
            "steps": list(self.steps),
        }
        if self.compared is not None:
            out["compared"] = {"before": self.compared[0], "after": self.compared[1]}
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@attrs.frozen(kw_only=True)
class Explanation(ExplanationFrames):
    subject: str
    answered_for: str
    party: str
    name: str
    on: str
    rows: Sequence[MemberRow]
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
