"""The oracle: a deliberately simple, slow reference fold over event objects, kept only in the tests.

It is written apart from the product's columnar fold (``timeline_engine.engine.fold``), in the
plainest way: one pure handler per event kind folding the old value of one thing into the new,
events sorted into replay order, spells built from the transitions one by one. The conformance
suite (``tests/engine/test_conformance.py``) holds every entry path of the product to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import attrs

from timeline_engine.engine.tracks import FOREVER, Spell
from timeline_engine.events.dates import parse_instant
from timeline_engine.events.errors import Problem
from timeline_engine.events.model import (
    BodyEvent,
    CoverageEvent,
    Event,
    OfficeEvent,
    ParticipationEvent,
    Retraction,
    SubjectEvent,
)
from timeline_engine.events.rules import FULL_STANDING, GRANTABLE, KIND_ORDER

__all__ = ["Oracle", "oracle"]


def problem_for(event: Event, message: str) -> Problem:
    o = event.origin
    return Problem(o.file if o else "<events>", o.line if o else 0, message, event.id)


def known_by(event: Event, as_known: datetime | None) -> bool:
    """Whether ``event`` had been recorded by ``as_known`` (an event without ``recorded`` always had)."""
    if as_known is None or event.recorded is None:
        return True
    return parse_instant(event.recorded) <= as_known


def resolve_log(events: Iterable[Event], as_known: datetime | None = None) -> tuple[list[Event], list[Problem]]:
    """The events in force, in log order, and the problems found.

    Only events recorded by ``as_known`` count (an event with no ``recorded`` time has always
    been known). A retraction removes its target; a correction replaces its target (chains
    allowed, cycles refused). The same event read twice counts once; two different events
    with one id are a problem naming both places.
    """
    problems: list[Problem] = []
    by_id: dict[str, Event] = {}
    ordered: list[Event] = []
    events = list(events)
    recorded_later = {e.id for e in events if not known_by(e, as_known)}
    for e in events:
        if e.id in recorded_later:
            continue
        seen = by_id.get(e.id)
        if seen is not None:
            if seen != e:
                problems.append(problem_for(e, f"id {e.id!r} is already used by a different event at {seen.where()}"))
            continue
        by_id[e.id] = e
        ordered.append(e)

    retractors: dict[str, list[Retraction]] = {}
    for e in ordered:
        if isinstance(e, Retraction):
            if e.retracts not in by_id:
                if e.retracts not in recorded_later:  # not yet recorded in this edition: nothing to retract
                    problems.append(problem_for(e, f"retracts unknown event {e.retracts!r}"))
            elif e.retracts == e.id:
                problems.append(problem_for(e, "retracts itself"))
            else:
                retractors.setdefault(e.retracts, []).append(e)

    memo: dict[str, bool] = {}

    def withdrawn(eid: str, path: tuple[str, ...] = ()) -> bool:
        """An event is withdrawn when a retraction of it is itself in force."""
        if eid in memo:
            return memo[eid]
        if eid in path:
            return False  # a cycle of retractions: reported below, decides nothing
        result = any(not withdrawn(r.id, path + (eid,)) for r in retractors.get(eid, ()))
        memo[eid] = result
        return result

    retracted = {eid for eid in by_id if withdrawn(eid)}
    for e in ordered:
        if isinstance(e, Retraction):
            seen_ids, cur = {e.id}, by_id.get(e.retracts)
            while isinstance(cur, Retraction) and cur.id not in seen_ids:
                seen_ids.add(cur.id)
                cur = by_id.get(cur.retracts)
            if isinstance(cur, Retraction):
                problems.append(problem_for(e, f"retractions form a cycle through {e.retracts!r}"))

    corrected: set[str] = set()
    for e in ordered:
        if e.corrects is None or e.id in retracted:
            continue
        target = by_id.get(e.corrects)
        if target is None:
            if e.corrects not in recorded_later:  # not yet recorded in this edition: e stands alone
                problems.append(problem_for(e, f"corrects unknown event {e.corrects!r}"))
            continue
        if isinstance(target, Retraction) or isinstance(e, Retraction):
            problems.append(
                problem_for(e, "a retraction cannot correct or be corrected; retract the retraction instead")
            )
            continue
        chain, cur = {e.id}, target
        while cur is not None and cur.id not in chain:
            chain.add(cur.id)
            cur = by_id.get(cur.corrects) if cur.corrects else None
        if cur is not None:
            problems.append(problem_for(e, f"corrections form a cycle through {e.corrects!r}"))
            continue
        corrected.add(e.corrects)

    live = [e for e in ordered if e.id not in retracted and e.id not in corrected and not isinstance(e, Retraction)]
    return live, problems


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
    parties: dict[str, dict[str, list[Spell]]]
    offices: dict[str, dict[str, list[Spell]]]
    bodies: dict[str, dict[str, list[Spell]]]
    events: tuple[Event, ...]
    problems: tuple[Problem, ...]
    coverage: dict[str, CoverageEvent] = attrs.field(factory=dict)  # subject -> the attestation that bounds it


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
    # Coverage: of the attestations of a declared subject not dated before its founding, the one
    # with the latest last day (on the same day, the last in replay order) bounds the subject.
    coverage: dict[str, CoverageEvent] = {}
    for e in ordered:
        f = founded.get(e.subject)
        if isinstance(e, CoverageEvent) and f is not None and e.when.hi >= f.when.lo:
            seen = coverage.get(e.subject)
            if seen is None or e.when.hi >= seen.when.hi:
                coverage[e.subject] = e
    for e in ordered:
        f = founded.get(e.subject)
        if f is None:
            problems.append(problem_for(e, f"subject {e.subject} is not declared: no 'founded' event for it"))
            continue
        if e is not f and e.when.hi < f.when.lo:
            problems.append(problem_for(e, f"dated {e.when.text}, before {e.subject} was founded ({f.when.text})"))
            continue
        if isinstance(e, CoverageEvent):  # what the record attests: counted above, nothing to replay
            continue
        covered = coverage.get(e.subject)
        if covered is not None and e.when.lo > covered.when.hi:
            problems.append(
                problem_for(
                    e,
                    f"dated {e.when.text}, after the last day the record covers for {e.subject} "
                    f"({covered.when.text}, attested by {covered.id}); a later 'attested' event extends it",
                )
            )
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
    for s in subjects.values():  # a subject whose predecessors lead back to it
        seen, cur = {s.id}, subjects.get(s.predecessor) if s.predecessor else None
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            cur = subjects.get(cur.predecessor) if cur.predecessor else None
        if cur is not None and cur.id == s.id:
            problems.append(problem_for(s.founded, "predecessors form a cycle"))
    tracks: dict[str, dict[str, dict[str, list[Spell]]]] = {"party": {}, "office": {}, "body": {}}
    for (family, subject, thing), transitions in changes.items():
        track = _spells(transitions)
        gone = later[subject].get("dissolved")
        if gone is not None:  # every standing, office and body ends with its subject
            track = _ended_by(track, gone.when.lo.toordinal(), gone.when.hi.toordinal(), gone.when.text, gone.id)
        covered = coverage.get(subject)
        if covered is not None:  # beyond the coverage nothing is certain
            last = covered.when.hi.toordinal()
            track = [attrs.evolve(t, certain_to=min(t.certain_to, last + 1)) for t in track]
        tracks[family].setdefault(subject, {})[thing] = track
    return Replayed(
        subjects=subjects,
        parties=tracks["party"],
        offices=tracks["office"],
        bodies=tracks["body"],
        events=tuple(ordered),
        problems=tuple(problems),
        coverage=coverage,
    )


def _spells(transitions: list[tuple[int, int, Any, Event]]) -> list[Spell]:
    """From (lo, hi, value after, event) in replay order; a ``None`` value ends a spell."""
    spells: list[Spell] = []
    for k, (lo, hi, value, event) in enumerate(transitions):
        if value is None:
            continue
        if k + 1 < len(transitions):
            nlo, nhi, _, nxt = transitions[k + 1]
            spells.append(Spell(value, event.when.text, nxt.when.text, event.id, nxt.id, lo, hi, nlo, nhi))
        else:
            spells.append(Spell(value, event.when.text, None, event.id, None, lo, hi, FOREVER, FOREVER))
    return spells


def _ended_by(spells: list[Spell], lo: int, hi: int, text: str, event_id: str) -> list[Spell]:
    """The spells cut at an end that happened on some day of [lo, hi] (a dissolution)."""
    out = []
    for s in spells:
        if s.possible_to > hi:
            s = attrs.evolve(s, until=text, next_event_id=event_id, possible_to=hi)
        if s.certain_to > lo:
            s = attrs.evolve(s, certain_to=lo)
        out.append(s)
    return out


@attrs.frozen
class Oracle:
    """What the reference fold says of a log."""

    subjects: dict[str, Subject]
    spells: dict[tuple[str, str, str], list[tuple]]  # (family, subject, thing) -> spells as tuples
    in_force: tuple[str, ...]  # ids of the events in force, in replay order
    problems: tuple[Problem, ...]
    coverage: dict[str, tuple[int, str, str | None]] = attrs.field(factory=dict)
    # subject -> (last day covered as an ordinal, the attesting event's id, its parties)


def oracle(events: Iterable[Event], as_known: datetime | str | None = None) -> Oracle:
    """The reference fold of ``events`` as known by ``as_known``."""
    if isinstance(as_known, str):
        as_known = parse_instant(as_known)
    live, problems = resolve_log(events, as_known)
    r = replay(live)
    spells = {}
    for family, by_subject in (("party", r.parties), ("office", r.offices), ("body", r.bodies)):
        for sid, things in by_subject.items():
            for thing, ss in things.items():
                if ss:
                    spells[(family, sid, thing)] = [attrs.astuple(s) for s in ss]
    return Oracle(
        subjects=r.subjects,
        spells=spells,
        in_force=tuple(e.id for e in r.events),
        problems=tuple(problems) + r.problems,
        coverage={s: (e.when.hi.toordinal(), e.id, e.parties) for s, e in r.coverage.items()},
    )
