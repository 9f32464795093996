"""The words of the domain (kinds, standings, the replay order), as the codec and the queries use them: declared once, with the rules, in ``events.rules``."""

from __future__ import annotations

__all__ = [
    "BODY_KINDS",
    "COVERAGE_KINDS",
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

from .rules import (  # the words are declared once, with the rules
    BODY_KINDS,
    COVERAGE_KINDS,
    FULL_STANDING,
    GRANTABLE,
    KIND_ORDER,
    KINDS,
    LIFECYCLE_KINDS,
    OFFICE_KINDS,
    ORGANIZATION_STANDINGS,
    PARTICIPATION_KINDS,
    SUBJECT_KINDS,
    TREATY_STANDINGS,
)
