"""The rules of the domain, declared once, as data.

Every consumer derives from these tables: the record checks of the codec (which fields a kind
needs and allows, id and slug patterns), the columnar fold's transition table (which kind is
allowed in which standing of which kind of subject, and what standing follows), the SQL that
checks records in bulk, the replay order of kinds on one day, and the queries' standings.
Nothing here knows a file format or a storage engine.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ANY_STANDING",
    "BODY_KINDS",
    "COMMON_FIELDS",
    "COVERAGE_KINDS",
    "FAMILIES",
    "FAMILY_FIELDS",
    "FULL_STANDING",
    "GRANTABLE",
    "GRANTED",
    "ID_PATTERN",
    "KINDS",
    "KIND_ORDER",
    "LIFECYCLE_KINDS",
    "NOT_APPLICABLE",
    "OFFICE_KINDS",
    "ORGANIZATION_STANDINGS",
    "PARTICIPATION_KINDS",
    "RECORD_KINDS",
    "REQUIRED_FIELDS",
    "RESUMED",
    "SLUG_PATTERN",
    "STANDINGS",
    "SUBJECT_KINDS",
    "SUBJECT_PATTERN",
    "TRANSITIONS",
    "TREATY_STANDINGS",
    "VERBS",
    "family_of",
]

SUBJECT_KINDS: Final = ("organization", "treaty")

# -- kinds and their families ----------------------------------------------------------------
LIFECYCLE_KINDS: Final = ("founded", "renamed", "entered-into-force", "dissolved")
PARTICIPATION_KINDS: Final = (
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
OFFICE_KINDS: Final = ("appointed", "left-office")
BODY_KINDS: Final = ("established", "abolished")
RECORD_KINDS: Final = ("retracted",)
# How far the record speaks for a subject: ``date`` is the last day covered (its latest day, for a
# month or a year); ``parties`` (optional) names the parties covered when the roster is partial.
COVERAGE_KINDS: Final = ("attested",)
KINDS: Final = LIFECYCLE_KINDS + PARTICIPATION_KINDS + OFFICE_KINDS + BODY_KINDS + RECORD_KINDS + COVERAGE_KINDS

FAMILIES: Final = {
    "lifecycle": LIFECYCLE_KINDS,
    "participation": PARTICIPATION_KINDS,
    "office": OFFICE_KINDS,
    "body": BODY_KINDS,
    "record": RECORD_KINDS,
    "coverage": COVERAGE_KINDS,
}


def family_of(kind: str) -> str:
    """The family of a kind: lifecycle, participation, office, body, record or coverage."""
    for family, kinds in FAMILIES.items():
        if kind in kinds:
            return family
    raise KeyError(kind)


# Replay order on the same day: a subject exists before anything happens in it, a party
# leaves before another standing begins, an office holder leaves before the next is
# appointed, and a subject dissolves last; what the record attests comes after everything that
# happened on its last day.
KIND_ORDER: Final = {
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
            "attested",
            "retracted",
        )
    )
}

# -- fields ----------------------------------------------------------------------------------
COMMON_FIELDS: Final = frozenset(
    {"id", "date", "subject", "kind", "effective", "sources", "recorded", "corrects", "note", "v"}
)
FAMILY_FIELDS: Final = {
    "lifecycle": frozenset({"name", "subject_kind", "predecessor"}),
    "participation": frozenset({"party", "status"}),
    "office": frozenset({"office", "holder", "nationality"}),
    "body": frozenset({"body", "name"}),
    "record": frozenset({"retracts"}),
    "coverage": frozenset({"parties"}),
}
# Fields a kind cannot do without (besides id, subject, kind and sources, which every event needs).
REQUIRED_FIELDS: Final = {
    **{k: ("date",) for k in KINDS},
    "founded": ("date", "name", "subject_kind"),
    "renamed": ("date", "name"),
    **{k: ("date", "party") for k in PARTICIPATION_KINDS},
    "granted": ("date", "party", "status"),
    "appointed": ("date", "office", "holder"),
    "left-office": ("date", "office"),
    "established": ("date", "body"),
    "abolished": ("date", "body"),
    "retracted": ("retracts",),
}

# Patterns, as regular expressions matched against the whole value (Python ``fullmatch`` and
# DuckDB ``regexp_full_match`` read the same syntax here).
ID_PATTERN: Final = r"[A-Za-z0-9][A-Za-z0-9._:~+-]{0,199}"
SUBJECT_PATTERN: Final = r"[A-Z0-9][A-Z0-9._-]{0,63}"
SLUG_PATTERN: Final = r"[a-z0-9][a-z0-9-]{0,63}"

# -- standings and transitions ---------------------------------------------------------------
ORGANIZATION_STANDINGS: Final = (
    "member",
    "associate",
    "observer",
    "dialogue-partner",
    "partner",
    "candidate",
    "suspended",
)
TREATY_STANDINGS: Final = ("signatory", "party", "suspended")
STANDINGS: Final = {"organization": ORGANIZATION_STANDINGS, "treaty": TREATY_STANDINGS}
GRANTABLE: Final = ("associate", "observer", "dialogue-partner", "partner", "candidate")

# The standing `members` lists by default.
FULL_STANDING: Final = {"organization": "member", "treaty": "party"}

# What a participation event leads to, besides a standing: GRANTED is the event's own
# ``status``; RESUMED is the standing the party held before its suspension; None ends it.
GRANTED: Final = "<the granted status>"
RESUMED: Final = "<the standing before the suspension>"
ANY_STANDING: Final = tuple(dict.fromkeys(ORGANIZATION_STANDINGS + TREATY_STANDINGS))

# TRANSITIONS[kind][subject kind] = (standings it may happen in — None is no standing —, what follows).
# A kind missing for a subject kind does not apply to it (NOT_APPLICABLE says what to use).
TRANSITIONS: Final[dict[str, dict[str, tuple[tuple[str | None, ...], str | None]]]] = {
    "signed": {"treaty": ((None,), "signatory")},
    "ratified": {"organization": ((None, "signatory"), "member"), "treaty": ((None, "signatory"), "party")},
    "acceded": {
        "organization": ((None, "signatory", *GRANTABLE), "member"),
        "treaty": ((None, "signatory", *GRANTABLE), "party"),
    },
    "succeeded": {"organization": ((None, "signatory"), "member"), "treaty": ((None, "signatory"), "party")},
    "joined": {"organization": ((None, *GRANTABLE), "member")},
    # granted: not to the status the party already holds (checked against the event's status)
    "granted": {"organization": ((None, *GRANTABLE), GRANTED)},
    "suspended": {"organization": (("member", "associate"), "suspended"), "treaty": (("party",), "suspended")},
    "resumed": {"organization": (("suspended",), RESUMED), "treaty": (("suspended",), RESUMED)},
    "withdrew": {"organization": (ANY_STANDING, None), "treaty": (ANY_STANDING, None)},
    "expelled": {"organization": (ANY_STANDING, None), "treaty": (ANY_STANDING, None)},
    "ceased": {"organization": (ANY_STANDING, None), "treaty": (ANY_STANDING, None)},
}
NOT_APPLICABLE: Final = {
    ("signed", "organization"): "'signed' applies to treaties; for an organization use joined, acceded or granted",
    ("joined", "treaty"): "'joined' applies to organizations; for a treaty use ratified, acceded or succeeded",
    ("granted", "treaty"): "'granted' applies to organizations",
}
# How a refusal names what could not be done ({party}, {status} filled in).
VERBS: Final = {
    "signed": "record a signature by {party}",
    "ratified": "record a ratification by {party}",
    "acceded": "record an accession by {party}",
    "succeeded": "record a succession by {party}",
    "joined": "record joining by {party}",
    "granted": "grant {status} status to {party}",
    "suspended": "suspend {party}",
    "resumed": "resume {party}",
    "withdrew": "record that {party} withdrew",
    "expelled": "record that {party} expelled",
    "ceased": "record that {party} ceased",
}
