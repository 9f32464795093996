"""Every spell of a record, packed for as-of questions: what ``Timeline`` answers from.

Rows are the fold's spells sorted by (subject, family, thing name, replay order); a *group* is
the spells of one (subject, family, thing). Per row: ``key`` is ``local group << 32 | possible
from`` (ascending within a subject's family) and ``reach_before`` the latest ``possible_to`` of
the spells before it in its group, so that one ``searchsorted`` finds each group's latest spell
that may have begun by a day, and a short walk back finds the earlier ones that may still hold.
That walk (:meth:`SpellIndex.candidates`) is the one meaning of "possibly in force on a day or
over a period"; ``engine.tracks`` words it for one thing, ``Timeline`` for a whole subject.

The index is built from a fold (:meth:`SpellIndex.of`), spliced when a write folds only some
subjects again (:meth:`SpellIndex.replace`), and saved beside a store as plain ``.npy`` arrays
with a JSON dictionary (:meth:`save`/:meth:`load`), which open memory-mapped: a store's first
question reads only the pages of the subject asked about.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from .fold import Folded
from .fold.codes import BODY, FOREVER, OFFICE, PARTY, STANDINGS
from .fold.columns import text_ranks
from .tracks import Spell, Track

__all__ = ["FAMILIES", "INDEX_VERSION", "SpellIndex"]

INDEX_VERSION = 1
FAMILIES = {"party": PARTY, "office": OFFICE, "body": BODY}

# per-row arrays and their types; the group and subject tables come after
_ROWS = {
    "subject": np.int32,
    "family": np.int8,
    "thing": np.int32,
    "value": np.int32,  # standing code (parties), else a word (holder, body name)
    "value2": np.int32,  # the holder's nationality (a word), -1 none
    "since": np.int32,  # EDTF text of the spell's event (code into ``whens``)
    "until": np.int32,  # EDTF text of the next event, -1 none
    "event": np.int64,  # the event behind the spell (a store's seq, or a log position)
    "next_event": np.int64,  # the event that ended it, -1 none
    "pf": np.int32,  # possible_from, certain_from, certain_to, possible_to (ordinals; *_to exclusive)
    "cf": np.int32,
    "ct": np.int32,
    "pt": np.int32,
}
_DERIVED = ("key", "reach_before", "group_start", "group_thing", "segments", "life")


class _Words:
    """An append-only dictionary of texts: codes stay valid as texts are added."""

    def __init__(self, texts: Sequence[str] = ()):
        self.texts = [str(t) for t in texts]
        self.codes = dict(zip(self.texts, range(len(self.texts))))

    def copy(self) -> _Words:
        """Another dictionary with the same codes, to add to without changing this one."""
        other = _Words()
        other.texts, other.codes = list(self.texts), self.codes.copy()
        return other

    def code(self, text: str) -> int:
        found = self.codes.get(text)
        if found is None:
            found = self.codes[text] = len(self.texts)
            self.texts.append(text)
        return found

    def mapping(self, texts: np.ndarray) -> np.ndarray:
        """Codes of ``texts`` (a fold's dictionary), with -1 read as -1: index with ``m[code + 1]``."""
        return np.array([-1, *(self.code(str(t)) for t in texts.tolist())], dtype=np.int64)


class SpellIndex:
    """The packed spells of a record, with its dictionaries and each subject's lifecycle days."""

    # per row (see ``_ROWS``), then per group, per (subject, family) and per subject
    subject: np.ndarray
    family: np.ndarray
    thing: np.ndarray
    value: np.ndarray
    value2: np.ndarray
    since: np.ndarray
    until: np.ndarray
    event: np.ndarray
    next_event: np.ndarray
    pf: np.ndarray
    cf: np.ndarray
    ct: np.ndarray
    pt: np.ndarray
    key: np.ndarray
    reach_before: np.ndarray
    group_start: np.ndarray
    group_thing: np.ndarray
    segments: np.ndarray
    life: np.ndarray

    def __init__(self, arrays: dict[str, np.ndarray], words: _Words, whens: _Words):
        self.a = arrays
        self.words, self.whens = words, whens
        for name, arr in arrays.items():
            setattr(self, name, arr)
        self.ids: Callable[[Sequence[int]], list[str | None]] = _no_ids
        self.cache: dict[str, object] = {}  # what questions about every subject derive once

    # -- building ------------------------------------------------------------------------
    @classmethod
    def of(cls, folded: Folded, seq: np.ndarray | None = None) -> SpellIndex:
        """The index of a whole fold; ``seq`` maps log positions to a store's seq."""
        words, whens = _Words(), _Words()
        return cls._assemble(_rows_of(folded, seq, words, whens), _life_of(folded, words, whens), words, whens)

    def replace(self, folded: Folded, seq: np.ndarray | None, subjects: Sequence[str]) -> SpellIndex:
        """This index with the spells of ``subjects`` taken from ``folded`` (a fold of just those
        subjects, whole lineages), the rest kept as it was. The kept rows are already in order:
        only the new ones are sorted, then merged in by subject (a linear merge of two runs)."""
        words, whens = self.words.copy(), self.whens.copy()
        fresh = _rows_of(folded, seq, words, whens)
        fresh = {k: v[_order(fresh, words)] for k, v in fresh.items()}
        codes = np.array([words.code(s) for s in subjects], dtype=np.int64)
        keep = ~np.isin(self.subject, codes)
        rows = {k: np.concatenate([np.asarray(self.a[k])[keep], fresh[k]]) for k in _ROWS}
        merged = np.argsort(rows["subject"], kind="stable")  # two sorted runs: timsort merges them
        rows = {k: v[merged] for k, v in rows.items()}
        life = _life_of(folded, words, whens, base=np.asarray(self.life), replace=codes)
        return self._assemble(rows, life, words, whens, ordered=True)

    @classmethod
    def _assemble(
        cls, rows: dict[str, np.ndarray], life: np.ndarray, words: _Words, whens: _Words, ordered: bool = False
    ) -> SpellIndex:
        """Sort the rows into groups (unless already ``ordered``) and derive the search arrays."""
        nw = len(words.texts)
        n = len(rows["subject"])
        if not ordered:
            order = _order(rows, words)
            rows = {k: np.ascontiguousarray(v[order]) for k, v in rows.items()}
        subject, family, thing = rows["subject"], rows["family"], rows["thing"]
        first = np.ones(n, dtype=bool)
        first[1:] = (subject[1:] != subject[:-1]) | (family[1:] != family[:-1]) | (thing[1:] != thing[:-1])
        starts = np.flatnonzero(first)
        group = np.cumsum(first, dtype=np.int64) - 1
        # the first group of each (subject, family) segment, to number groups within it
        seg_first = np.ones(len(starts), dtype=bool)
        gs, gf = subject[starts], family[starts]
        seg_first[1:] = (gs[1:] != gs[:-1]) | (gf[1:] != gf[:-1])
        seg_of_group = np.maximum.accumulate(np.where(seg_first, np.arange(len(starts)), 0))
        local = group - seg_of_group[group] if n else group
        key = (local << 32) | rows["pf"].astype(np.int64)
        base = group * np.int64(FOREVER + 1)
        reach = np.maximum.accumulate(base + rows["pt"]) - base if n else base
        reach_before = np.zeros(n, dtype=np.int32)
        reach_before[1:] = reach[:-1]
        reach_before[starts] = 0
        # segments[s, f - 1] .. segments[s, f]: the groups of subject s in family f (1 party, 2 office, 3 body)
        segments = np.zeros((nw, 4), dtype=np.int64)
        bounds = np.append(np.flatnonzero(seg_first), len(starts))
        last = -1
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            s, f = int(gs[a]), int(gf[a])
            if s != last:  # a subject's families without spells are empty ranges at its start
                segments[s, :], last = a, s
            segments[s, f - 1] = a
            segments[s, f:] = b
        rows.update(
            key=key,
            reach_before=reach_before,
            group_start=np.append(starts, n).astype(np.int64),
            group_thing=thing[starts],
            segments=segments,
            life=life,
        )
        return cls(rows, words, whens)

    # -- saving --------------------------------------------------------------------------
    def save(self, folder: Path, generation: str) -> None:
        """Write the index into ``folder`` (replaced whole: written beside it, then renamed)."""
        folder = Path(folder)
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", suffix=".tmp", dir=folder.parent))
        try:
            for name in (*_ROWS, *_DERIVED):
                np.save(tmp / f"{name}.npy", np.asarray(self.a[name]), allow_pickle=False)
            meta = {"version": INDEX_VERSION, "generation": generation}
            meta.update(words=self.words.texts, whens=self.whens.texts)
            (tmp / "index.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            old = folder.with_name(folder.name + f".old-{os.getpid()}")
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: Path, generation: str) -> SpellIndex | None:
        """The index saved in ``folder`` if it is of this ``generation`` (else None: stale, absent
        or unreadable — the caller folds the record again)."""
        try:
            meta = json.loads((Path(folder) / "index.json").read_text(encoding="utf-8"))
            if meta.get("version") != INDEX_VERSION or meta.get("generation") != generation:
                return None
            arrays = {
                name: np.load(Path(folder) / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
                for name in (*_ROWS, *_DERIVED)
            }
        except (OSError, ValueError):
            return None
        return cls(arrays, _Words(meta["words"]), _Words(meta["whens"]))

    # -- questions -----------------------------------------------------------------------
    def subject_code(self, sid: str) -> int:
        return self.words.codes.get(sid, -1)

    def groups(self, sid: str, family: str) -> tuple[int, int]:
        """The groups (one per thing, sorted by its name) of a subject's parties, offices or bodies."""
        s = self.words.codes.get(sid, -1)
        if s < 0:
            return 0, 0
        f = FAMILIES[family]
        return int(self.segments[s, f - 1]), int(self.segments[s, f])

    def tracks(self, family: str, sid: str) -> dict[str, Track]:
        """{thing: its track} for a subject's parties, offices or bodies."""
        g0, g1 = self.groups(sid, family)
        return {self.thing_name(g): Track(self, g) for g in range(g0, g1)}

    def group_of(self, sid: str, family: str, thing: str) -> int:
        """The group of one thing of a subject (-1: it has no spells there)."""
        g0, g1 = self.groups(sid, family)
        code = self.words.codes.get(thing, -2)
        hit = np.flatnonzero(np.asarray(self.group_thing[g0:g1]) == code)
        return int(hit[0]) + g0 if len(hit) else -1

    def candidates(self, g0: int, g1: int, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, groups) of the spells possibly in force on some day of [start, end] in groups
        [g0, g1): groups ascending, the latest spell first within a group."""
        gs = self.group_start
        a, b = int(gs[g0]), int(gs[g1])
        if a == b:
            return _EMPTY, _EMPTY
        local = int(self.key[a]) >> 32  # group g0's number within its subject's family
        j = self.key[a:b].searchsorted(_qbase(local + g1 - g0)[local : local + g1 - g0] + end, side="right") + (a - 1)
        j = j[j >= gs[g0:g1]]  # the groups with a spell begun by the end
        found = [rows for _, rows in self._walk(j, np.full(len(j), start, dtype=np.int64), every=True)]
        if not found:
            return _EMPTY, _EMPTY
        rows = found[0] if len(found) == 1 else np.concatenate(found)
        groups = gs.searchsorted(rows, side="right") - 1
        if len(found) > 1:  # earlier spells were found in later rounds: back into order
            order = np.lexsort((-rows, groups))
            rows, groups = rows[order], groups[order]
        return rows, groups

    def latest_on(self, group: int, days: np.ndarray) -> np.ndarray:
        """For each of ``days``, the row of the group's latest spell possibly in force on it (-1:
        none): the first row :meth:`candidates` gives for that one day, for many days at once."""
        a, b = int(self.group_start[group]), int(self.group_start[group + 1])
        days = np.asarray(days, dtype=np.int64)
        out = np.full(len(days), -1, dtype=np.int64)
        j = np.asarray(self.pf[a:b]).searchsorted(days, side="right").astype(np.int64) - 1 + a
        live = np.flatnonzero(j >= a)
        for at, rows in self._walk(j[live], days[live], every=False):
            out[live[at]] = rows
        return out

    def _walk(self, j: np.ndarray, start: np.ndarray, every: bool) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The walk back from rows ``j`` (each its group's latest spell begun by a day): per round,
        (positions in ``j``, rows) of the spells possibly in force on or after ``start`` (per
        position); an earlier spell of the group is looked at while ``reach_before`` says one
        may still hold — after a hit too when ``every``, else only until the first hit."""
        at = np.arange(len(j))
        while len(j):
            hit = self.pt[j] > start
            yield at[hit], j[hit]
            on = self.reach_before[j] > start
            if not every:
                on &= ~hit
            at, j, start = at[on], j[on] - 1, start[on]

    def thing_name(self, group: int) -> str:
        return self.words.texts[int(self.group_thing[group])]

    def value_of(self, row: int) -> object:
        """The value of a spell as queries show it: a standing, (holder, nationality), a body's name."""
        f, v = int(self.family[row]), int(self.value[row])
        if f == PARTY:
            return STANDINGS[v]
        if f == OFFICE:
            v2 = int(self.value2[row])
            return self.words.texts[v], (self.words.texts[v2] if v2 >= 0 else None)
        return self.words.texts[v]

    def spells(self, rows: np.ndarray | Sequence[int]) -> list[Spell]:
        """The spells of these rows, with their events' ids (read once for all of them)."""
        rows = np.asarray(rows, dtype=np.int64)
        ev, nx = self.event[rows], self.next_event[rows]
        need = np.unique(np.concatenate([ev, nx[nx >= 0]])).tolist()
        ids: dict[int, str | None] = dict(zip(need, self.ids(need), strict=True))
        ids[-1] = None
        cols = (self.since[rows], self.until[rows], self.pf[rows], self.cf[rows], self.ct[rows], self.pt[rows])
        return [
            Spell(self.value_of(r), self.whens.texts[a], self.text(b), str(ids[e]), ids[n], pf, cf, ct, pt)
            for r, e, n, a, b, pf, cf, ct, pt in zip(
                rows.tolist(), ev.tolist(), nx.tolist(), *(c.tolist() for c in cols), strict=True
            )
        ]

    def text(self, code: int) -> str | None:
        return self.whens.texts[code] if code >= 0 else None

    def exists(self, sid: str, lo: int, hi: int) -> bool:
        """Whether the subject may have existed on some day of [lo, hi]: founded by ``hi`` and not
        certainly dissolved before ``lo``."""
        s = self.words.codes.get(sid, -1)
        return s >= 0 and int(self.life[s, 0]) <= hi and not int(self.life[s, 1]) < lo

    def lifetime(self, sid: str) -> tuple[str | None, str | None]:
        """The EDTF texts of a subject's founding and dissolution (None: not recorded)."""
        s = self.words.codes.get(sid, -1)
        return (self.text(int(self.life[s, 4])), self.text(int(self.life[s, 5]))) if s >= 0 else (None, None)

    def kind(self, sid: str) -> int:
        """0 organization, 1 treaty, -1 not a subject of this record."""
        s = self.words.codes.get(sid, -1)
        return int(self.life[s, 3]) if s >= 0 else -1

    def predecessor(self, sid: str) -> str | None:
        s = self.words.codes.get(sid, -1)
        p = int(self.life[s, 2]) if s >= 0 else -1
        return self.words.texts[p] if p >= 0 else None


_EMPTY = np.zeros(0, dtype=np.int64)
_QBASE = [np.zeros(0, dtype=np.int64)]


def _order(rows: dict[str, np.ndarray], words: _Words) -> np.ndarray:
    """The order of rows by (subject, family, thing name), replay order kept within a group."""
    n = len(rows["subject"])
    if not n:
        return np.arange(0)
    rank = text_ranks(words.texts)
    return np.lexsort((np.arange(n), rank[rows["thing"]], rows["family"], rows["subject"]))


def _qbase(n: int) -> np.ndarray:
    """``arange(n) << 32`` (at least n long), made once and grown as needed."""
    if len(_QBASE[0]) < n:
        _QBASE[0] = np.arange(max(n, 2 * len(_QBASE[0]), 1024), dtype=np.int64) << 32
    return _QBASE[0]


_NO_LIFE = (FOREVER, FOREVER, -1, -1, -1, -1)


def _no_ids(seqs: Sequence[int]) -> list[str | None]:
    raise LookupError("this index was not given a way to read event ids")


def _rows_of(folded: Folded, seq: np.ndarray | None, words: _Words, whens: _Words) -> dict[str, np.ndarray]:
    """The fold's spells as index rows, their texts coded into ``words`` and ``whens``."""
    s, c = folded.spells, folded.columns
    wmap, tmap = words.mapping(c.words), whens.mapping(c.whens)
    party = s.family == PARTY
    has_next = s.next_event >= 0
    nxt = np.where(has_next, s.next_event, 0)
    ev = np.asarray(s.event, dtype=np.int64)
    to_seq = (lambda p: p) if seq is None else (lambda p: np.asarray(seq, dtype=np.int64)[p])
    return {
        "subject": wmap[s.subject + 1].astype(np.int32),
        "family": s.family.astype(np.int8),
        "thing": wmap[s.thing + 1].astype(np.int32),
        "value": np.where(party, s.value, wmap[np.where(party, -1, s.value) + 1]).astype(np.int32),
        "value2": wmap[s.value2 + 1].astype(np.int32),
        "since": tmap[c.when[ev] + 1].astype(np.int32),
        "until": np.where(has_next, tmap[c.when[nxt] + 1], -1).astype(np.int32),
        "event": to_seq(ev).astype(np.int64),
        "next_event": np.where(has_next, to_seq(nxt), -1).astype(np.int64),
        "pf": s.possible_from.astype(np.int32),
        "cf": s.certain_from.astype(np.int32),
        "ct": s.certain_to.astype(np.int32),
        "pt": s.possible_to.astype(np.int32),
    }


def _life_of(
    folded: Folded, words: _Words, whens: _Words, base: np.ndarray | None = None, replace: np.ndarray | None = None
):
    """Per word code: (first day of the founding, last day of the dissolution or FOREVER, the
    predecessor's code or -1, the subject kind or -1, the EDTF texts of the founding and of the
    dissolution as codes into ``whens`` or -1); subjects not founded in ``folded`` keep ``base``'s rows."""
    lc, c = folded.lifecycle, folded.columns
    nw = len(words.texts)
    life = np.empty((nw, len(_NO_LIFE)), dtype=np.int64)
    life[:] = _NO_LIFE
    if base is not None:
        life[: len(base)] = base
        if replace is not None and len(replace):
            life[replace] = _NO_LIFE
    wmap = words.mapping(c.words)
    founded = np.flatnonzero(lc.founded >= 0)
    if len(founded):
        codes = wmap[founded + 1]
        life[codes, 0] = c.lo[lc.founded[founded]]
        gone = lc.dissolved[founded]
        life[codes, 1] = np.where(gone >= 0, c.hi[np.maximum(gone, 0)], FOREVER)
        pred = lc.predecessor[founded]
        life[codes, 2] = np.where(pred >= 0, wmap[pred + 1], -1)
        life[codes, 3] = lc.skind[founded]
        tmap = whens.mapping(c.whens)
        life[codes, 4] = tmap[c.when[lc.founded[founded]] + 1]
        life[codes, 5] = np.where(gone >= 0, tmap[c.when[np.maximum(gone, 0)] + 1], -1)
    return life
