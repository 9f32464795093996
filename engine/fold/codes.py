"""The rules of ``events.rules`` as integer tables for the columnar fold.

Standings, kinds and families become small integers; the transition rules become two lookup
tables, ``AFTER[kind, subject kind]`` (the standing that follows) and
``ALLOWED[kind, subject kind, standing before]``. Nothing here is typed by hand: every entry is
read from ``events.rules``.
"""

from __future__ import annotations

import numpy as np

from ...events.rules import (
    BODY_KINDS,
    COVERAGE_KINDS,
    GRANTED,
    KIND_ORDER,
    KINDS,
    LIFECYCLE_KINDS,
    OFFICE_KINDS,
    ORGANIZATION_STANDINGS,
    PARTICIPATION_KINDS,
    RESUMED,
    SUBJECT_KINDS,
    TRANSITIONS,
    TREATY_STANDINGS,
)
from ..tracks import FOREVER  # days are ordinals; a spell's *_to is exclusive, FOREVER open

__all__ = [
    "AFTER",
    "ALLOWED",
    "BODY",
    "FAMILY",
    "FOREVER",
    "IS_COVERAGE",
    "IS_PLAIN",
    "LIFE",
    "OFFICE",
    "ORG",
    "PARTY",
    "RANK",
    "RECORD",
    "STANDINGS",
    "TREATY",
    "K",
    "V",
]


# Standing codes: 0 is no standing.
STANDINGS: tuple[str | None, ...] = (None, *dict.fromkeys(ORGANIZATION_STANDINGS + TREATY_STANDINGS))
V = {s: i for i, s in enumerate(STANDINGS)}
K = {k: i for i, k in enumerate(KINDS)}
RANK = np.array([KIND_ORDER[k] for k in KINDS], dtype=np.int8)
LIFE, PARTY, OFFICE, BODY, RECORD = 0, 1, 2, 3, 4
# What the record attests (``attested``, the coverage family) is a fact about a subject as a
# whole: the fold replays it with the lifecycle (family code LIFE); ``ATTESTED`` tells it apart.
FAMILY = np.array(
    [
        LIFE
        if k in LIFECYCLE_KINDS or k in COVERAGE_KINDS
        else PARTY
        if k in PARTICIPATION_KINDS
        else OFFICE
        if k in OFFICE_KINDS
        else BODY
        if k in BODY_KINDS
        else RECORD
        for k in KINDS
    ],
    dtype=np.int8,
)
IS_COVERAGE = np.array([k in COVERAGE_KINDS for k in KINDS] + [False], dtype=bool)  # [-1] reads False
ORG, TREATY = SUBJECT_KINDS.index("organization"), SUBJECT_KINDS.index("treaty")

# AFTER[kind, subject kind]: the standing a participation event leads to (0: none; a granted
# status and the standing a resumption returns to are filled in from the event and its group).
AFTER = np.zeros((len(KINDS), len(SUBJECT_KINDS)), dtype=np.int8)
# ALLOWED[kind, subject kind, standing before]
ALLOWED = np.zeros((len(KINDS), len(SUBJECT_KINDS), len(STANDINGS)), dtype=bool)
for _kind, _by_subject in TRANSITIONS.items():
    for _skind, (_before, _after) in _by_subject.items():
        _sk = SUBJECT_KINDS.index(_skind)
        ALLOWED[K[_kind], _sk, [V[s] for s in _before]] = True
        AFTER[K[_kind], _sk] = 0 if _after in (None, GRANTED, RESUMED) else V[_after]

# Kinds whose standing a later resumption returns to (all but suspended and resumed).
IS_PLAIN = np.array(
    [
        TRANSITIONS.get(k, {}).get("organization", (None, None))[1] not in ("suspended", RESUMED)
        and TRANSITIONS.get(k, {}).get("treaty", (None, None))[1] not in ("suspended", RESUMED)
        for k in KINDS
    ]
    + [False],
    dtype=bool,
)
