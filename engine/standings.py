"""``Timeline.members``, ``Timeline.memberships`` and ``Timeline.state``: who held which standing
in a subject, and where a party stood, on a day or over a period (before a subject existed, its
predecessor answers; rows past the record's coverage are marked by ``engine.coverage``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..events.dates import When, period_of
from ..events.errors import BadArgument
from ..events.rules import SUBJECT_KINDS
from ..events.vocabulary import FULL_STANDING, ORGANIZATION_STANDINGS, TREATY_STANDINGS
from .answers import Members, MembershipRow, Memberships, State
from .coverage import bound, bound_state
from .fold.codes import PARTY
from .rows import Deferred
from .subjects import Subject

if TYPE_CHECKING:
    from .timeline import Timeline

__all__ = ["members", "memberships", "state"]


def members(tl: Timeline, subject: str, on: str | When, standing: str | None = None) -> Members:
    """``Timeline.members`` (its docstring says what it answers)."""
    period = period_of(on)
    asked, target, exists, notes = tl._lineage(subject, period)
    rows = tl._rows(target, "party", period, tl._member_row, _standing_filter(tl, target, standing))
    cov = tl.record.coverage(target)
    if cov is not None:  # rows after the last covered day are unattested, made when read as the rows are
        notes += bound(cov, period, ())[1]
        found = rows
        rows = Deferred(lambda: bound(cov, period, found)[0], found.keys)
    return Members(subject=asked, answered_for=target, on=period.text, exists=exists, rows=rows, notes=tuple(notes))


def memberships(tl: Timeline, party: str, on: str | When, standing: str | None = None) -> Memberships:
    """``Timeline.memberships`` (its docstring says what it answers)."""
    period = period_of(on)
    code = tl.resolve_party(party)
    keep = _membership_filter(standing)
    ix = tl.record.index
    found = []
    for g in np.flatnonzero(ix.group_thing == ix.words.codes.get(code, -2)).tolist():
        first = int(ix.group_start[g])
        if ix.family[first] == PARTY:
            found.append((ix.words.texts[int(ix.subject[first])], g))
    rows: list[MembershipRow] = []
    coverage_notes: list[str] = []
    for sid, g in sorted(found):
        s = tl.subjects_by_id[sid]
        make = _membership_row(tl, s)
        held, covered = bound(
            tl.record.coverage(sid),
            period,
            tl._rows(sid, "party", period, make, keep(s.kind), cite=False, groups=(g, g + 1)),
        )
        rows.extend(held)
        coverage_notes += covered if held else []
    rows = tl._with_sources(rows)
    notes = [] if rows else [f"{code} had no standing{_what(standing)} in any subject on {period.text}"]
    notes += coverage_notes
    return Memberships(party=code, name=tl.party_name(code), on=period.text, rows=tuple(rows), notes=tuple(notes))


def state(tl: Timeline, subject: str, on: str | When) -> State:
    """``Timeline.state`` (its docstring says what it answers)."""
    period = period_of(on)
    asked, target, exists, notes = tl._lineage(subject, period)
    cov = tl.record.coverage(target)
    members, offices, bodies, covered = bound_state(
        cov,
        period,
        tl._rows(target, "party", period, tl._member_row),
        tl._rows(target, "office", period, tl._office_row),
        tl._rows(target, "body", period, tl._body_row),
    )
    return State(
        subject=asked,
        answered_for=target,
        on=period.text,
        exists=exists,
        members=members,
        offices=offices,
        bodies=bodies,
        notes=tuple(notes + covered),
        coverage=cov.to_json() if cov and (cov.partial or period.hi > cov.until) else None,
    )


def _membership_row(tl: Timeline, s: Subject) -> Callable[..., MembershipRow]:
    def make(_party, standing, *rest) -> MembershipRow:
        return MembershipRow(
            subject=s.id,
            name=s.names[-1],
            kind=s.kind,
            standing=standing,
            continues=_predecessor(s),
            **tl._cited(*rest),
        )

    return make


def _standing_filter(tl: Timeline, sid: str, standing: str | None) -> frozenset[str] | None:
    """The standings a ``members`` question keeps (None: all of them)."""
    kind = SUBJECT_KINDS[tl.record.index.kind(sid)]
    if standing is None:
        return frozenset({FULL_STANDING[kind]})
    if standing == "all":
        return None
    allowed = ORGANIZATION_STANDINGS if kind == "organization" else TREATY_STANDINGS
    if standing not in allowed:
        article = "an" if kind[0] in "aeiou" else "a"
        raise BadArgument(f"unknown standing {standing!r} for {article} {kind} (expected all, {', '.join(allowed)})")
    return frozenset({standing})


def _predecessor(s: Subject) -> str | None:
    """The subject ``s`` continues, as its founding event declares it (a store's subject built
    alone does not know its predecessor: the founding event does)."""
    return s.predecessor or s.founded.predecessor


def _membership_filter(standing: str | None) -> Callable[[str], frozenset[str] | None]:
    """For a subject kind, the standings a ``memberships`` question keeps (None: all)."""
    if standing is None or standing == "all":
        return lambda kind: None
    if standing == "full":
        return lambda kind: frozenset({FULL_STANDING[kind]})
    known = list(dict.fromkeys((*ORGANIZATION_STANDINGS, *TREATY_STANDINGS)))
    if standing not in known:
        raise BadArgument(f"unknown standing {standing!r} (expected all, full, {', '.join(known)})")
    return lambda kind: frozenset({standing})


def _what(standing: str | None) -> str:
    return "" if standing in (None, "all") else f" {standing!r}"
