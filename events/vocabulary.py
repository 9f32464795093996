"""The words of the domain: event kinds, standings, offices, and which transitions make sense."""

from __future__ import annotations

__all__ = [
    "BODY_KINDS",
    "FULL_STANDING",
    "GRANTABLE",
    "KINDS",
    "KIND_ORDER",
    "LIFECYCLE_KINDS",
    "OFFICE_KINDS",
    "ORGANIZATION_STANDINGS",
    "PARTICIPATION_KINDS",
    "SUBJECT_KINDS",
    "TREATY_STANDINGS",
]

SUBJECT_KINDS = ("organization", "treaty")

LIFECYCLE_KINDS = ("founded", "renamed", "entered-into-force", "dissolved")
PARTICIPATION_KINDS = (
    "signed",
    "ratified",
    "acceded",
    "succeeded",
    "joined",
    "granted",
    "suspended",
    "resumed",
    "withdrew",
    "expelled",
    "ceased",
)
OFFICE_KINDS = ("appointed", "left-office")
BODY_KINDS = ("established", "abolished")
RECORD_KINDS = ("retracted",)
KINDS = LIFECYCLE_KINDS + PARTICIPATION_KINDS + OFFICE_KINDS + BODY_KINDS + RECORD_KINDS

# Replay order on the same day: a subject exists before anything happens in it, a party
# leaves before another standing begins, an office holder leaves before the next is
# appointed, and a subject dissolves last.
KIND_ORDER = {
    kind: rank
    for rank, kind in enumerate(
        (
            "founded",
            "renamed",
            "entered-into-force",
            "established",
            "withdrew",
            "expelled",
            "ceased",
            "signed",
            "ratified",
            "acceded",
            "succeeded",
            "joined",
            "granted",
            "suspended",
            "resumed",
            "left-office",
            "appointed",
            "abolished",
            "dissolved",
            "retracted",
        )
    )
}

ORGANIZATION_STANDINGS = (
    "member",
    "associate",
    "observer",
    "dialogue-partner",
    "partner",
    "candidate",
    "suspended",
)
TREATY_STANDINGS = ("signatory", "party", "suspended")
GRANTABLE = ("associate", "observer", "dialogue-partner", "partner", "candidate")

# The standing `members` lists by default.
FULL_STANDING = {"organization": "member", "treaty": "party"}
