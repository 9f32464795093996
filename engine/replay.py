"""Replay: fold the events in force into the state of every subject, checking each
transition, and keep every change point as an index for as-of queries.

The fold is a set of pure handlers, one per event kind: each takes the old value of one
thing (a party's standing in a subject, an office, a body) and the event, and returns the
new value or refuses with the reason. Replay order: effective date, then kind, then log
order — so the same set of events always gives the same state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from ..events.errors import Problem
from ..events.model import BodyEvent, Event, OfficeEvent, ParticipationEvent, SubjectEvent
from ..events.vocabulary import FULL_STANDING, GRANTABLE, KIND_ORDER
from .log import problem_for
from .tracks import Track

__all__ = ["Replayed", "Subject", "replay", "replay_order"]


@attrs.frozen
class Standing:
    """A party's standing, and what a suspension would resume to."""

    standing: str
    resume_to: str | None = None


class Refused(Exception):
    """A transition that makes no sense; the message says why."""


def _full(kind: str) -> str:
    return FULL_STANDING[kind]


def _need(old: Standing | None, allowed: tuple, what: str, party: str) -> None:
    have = old.standing if old else None
    if have not in allowed:
        names = ", ".join("none" if a is None else a for a in allowed)
        raise Refused(f"cannot {what} {party}: its standing is {have or 'none'} (expected {names})")


def _signed(old, e, skind):
    if skind != "treaty":
        raise Refused("'signed' applies to treaties; for an organization use joined, acceded or granted")
    _need(old, (None,), "record a signature by", e.party)
    return Standing("signatory")


def _ratified(old, e, skind):
    _need(old, (None, "signatory"), "record a ratification by", e.party)
    return Standing(_full(skind))


def _acceded(old, e, skind):
    _need(old, (None, "signatory") + GRANTABLE, "record an accession by", e.party)
    return Standing(_full(skind))


def _succeeded(old, e, skind):
    _need(old, (None, "signatory"), "record a succession by", e.party)
    return Standing(_full(skind))


def _joined(old, e, skind):
    if skind != "organization":
        raise Refused("'joined' applies to organizations; for a treaty use ratified, acceded or succeeded")
    _need(old, (None,) + GRANTABLE, "record joining by", e.party)
    return Standing("member")


def _granted(old, e, skind):
    if skind != "organization":
        raise Refused("'granted' applies to organizations")
    allowed = (None,) + tuple(g for g in GRANTABLE if g != e.status)
    _need(old, allowed, f"grant {e.status} status to", e.party)
    return Standing(e.status)


def _suspended(old, e, skind):
    _need(old, ("member", "party", "associate"), "suspend", e.party)
    return Standing("suspended", resume_to=old.standing)


def _resumed(old, e, skind):
    _need(old, ("suspended",), "resume", e.party)
    return Standing(old.resume_to)


def _left(old, e, skind):
    if old is None:
        raise Refused(f"cannot record that {e.party} {e.kind}: it has no standing")


PARTICIPATION: dict[str, Callable[[Standing | None, ParticipationEvent, str], Standing | None]] = {
    "signed": _signed,
    "ratified": _ratified,
    "acceded": _acceded,
    "succeeded": _succeeded,
    "joined": _joined,
    "granted": _granted,
    "suspended": _suspended,
    "resumed": _resumed,
    "withdrew": _left,
    "expelled": _left,
    "ceased": _left,
}


def _appointed(old, e: OfficeEvent):
    return (e.holder, e.nationality)


def _left_office(old, e: OfficeEvent):
    if old is None:
        raise Refused(f"office {e.office} is vacant: nobody can leave it")
    if e.holder is not None and e.holder != old[0]:
        raise Refused(f"{e.holder} cannot leave {e.office}: its holder is {old[0]}")


def _established(old, e: BodyEvent):
    if old is not None:
        raise Refused(f"body {e.body} already exists")
    return e.name or e.body


def _abolished(old, e: BodyEvent):
    if old is None:
        raise Refused(f"body {e.body} does not exist: it cannot be abolished")


OFFICE = {"appointed": _appointed, "left-office": _left_office}
BODY = {"established": _established, "abolished": _abolished}


@attrs.frozen
class Subject:
    """A subject as declared by its ``founded`` event, with its later lifecycle events."""

    id: str
    kind: str
    name: str
    founded: SubjectEvent
    predecessor: str | None
    renamed: tuple[SubjectEvent, ...] = ()
    entered_into_force: SubjectEvent | None = None
    dissolved: SubjectEvent | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,) + tuple(r.name for r in self.renamed if r.name is not None)  # a renaming has a name


@attrs.frozen
class Replayed:
    """The outcome of a replay: subjects, the index of change points, and problems."""

    subjects: dict[str, Subject]
    parties: dict[str, dict[str, Track]]
    offices: dict[str, dict[str, Track]]
    bodies: dict[str, dict[str, Track]]
    events: tuple[Event, ...]
    problems: tuple[Problem, ...]


def replay_order(events: Iterable[Event]) -> list[Event]:
    indexed = list(events)
    return [
        e
        for _, _, _, e in sorted(
            ((e.when.lo.toordinal(), KIND_ORDER[e.kind], i, e) for i, e in enumerate(indexed)),
            key=lambda t: t[:3],
        )
    ]


def replay(events: Iterable[Event]) -> Replayed:
    """Fold events (already resolved for corrections and retractions) into an index."""
    ordered = replay_order(events)
    problems: list[Problem] = []
    founded: dict[str, SubjectEvent] = {}
    for e in ordered:
        if e.kind == "founded" and isinstance(e, SubjectEvent):
            if e.subject in founded:
                problems.append(
                    problem_for(
                        e, f"{e.subject} is already founded by {founded[e.subject].id} at {founded[e.subject].where()}"
                    )
                )
            else:
                founded[e.subject] = e
    later: dict[str, dict[str, Any]] = {s: {"renamed": []} for s in founded}
    values: dict[tuple, Any] = {}
    changes: dict[tuple, list] = {}
    for e in ordered:
        f = founded.get(e.subject)
        if f is None:
            problems.append(problem_for(e, f"subject {e.subject} is not declared: no 'founded' event for it"))
            continue
        if e is not f and e.when.hi < f.when.lo:
            problems.append(problem_for(e, f"dated {e.when.text}, before {e.subject} was founded ({f.when.text})"))
            continue
        gone = later[e.subject].get("dissolved")
        if gone is not None and e.when.lo > gone.when.hi:
            problems.append(problem_for(e, f"dated {e.when.text}, after {e.subject} was dissolved ({gone.when.text})"))
            continue
        if isinstance(e, SubjectEvent):
            if e.kind == "renamed":
                later[e.subject]["renamed"].append(e)
            elif e.kind in ("entered-into-force", "dissolved"):
                field = e.kind.replace("-", "_")
                if field in later[e.subject]:
                    problems.append(problem_for(e, f"{e.subject} already {e.kind} ({later[e.subject][field].id})"))
                else:
                    later[e.subject][field] = e
            continue
        try:
            if isinstance(e, ParticipationEvent):
                key = ("party", e.subject, e.party)
                assert f.subject_kind is not None  # a founding event states its subject's kind (codec)
                new = PARTICIPATION[e.kind](values.get(key), e, f.subject_kind)
                value = new.standing if new else None
            elif isinstance(e, OfficeEvent):
                key = ("office", e.subject, e.office)
                new = value = OFFICE[e.kind](values.get(key), e)
            elif isinstance(e, BodyEvent):
                key = ("body", e.subject, e.body)
                new = value = BODY[e.kind](values.get(key), e)
            else:  # pragma: no cover - every kind has a family
                continue
        except Refused as r:
            problems.append(problem_for(e, f"{r} in {e.subject} on {e.when.text}"))
            continue
        values[key] = new
        changes.setdefault(key, []).append((e.when.lo.toordinal(), e.when.hi.toordinal(), value, e))

    subjects = {}
    for sid, f in founded.items():
        assert f.subject_kind is not None and f.name is not None  # a founding event states both (codec)
        subjects[sid] = Subject(
            id=sid,
            kind=f.subject_kind,
            name=f.name,
            founded=f,
            predecessor=f.predecessor,
            renamed=tuple(later[sid]["renamed"]),
            entered_into_force=later[sid].get("entered_into_force"),
            dissolved=later[sid].get("dissolved"),
        )
    for s in subjects.values():
        if s.predecessor is not None and s.predecessor not in subjects:
            problems.append(problem_for(s.founded, f"predecessor {s.predecessor} is not a declared subject"))
    tracks: dict[str, dict[str, dict[str, Track]]] = {"party": {}, "office": {}, "body": {}}
    for (family, subject, thing), transitions in changes.items():
        track = Track.from_transitions(transitions)
        gone = later[subject].get("dissolved")
        if gone is not None:  # every standing, office and body ends with its subject
            track = track.ended_by(gone.when.lo.toordinal(), gone.when.hi.toordinal(), gone.when.text, gone.id)
        tracks[family].setdefault(subject, {})[thing] = track
    return Replayed(
        subjects=subjects,
        parties=tracks["party"],
        offices=tracks["office"],
        bodies=tracks["body"],
        events=tuple(ordered),
        problems=tuple(problems),
    )
