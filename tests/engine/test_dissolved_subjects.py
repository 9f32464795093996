"""COW dissolves 200 of its IGOs (``deaddate``); the importer records that with a ``dissolved``
event and leaves the end of the standings to it, as the panel has no rows after an IGO's death."""

from __future__ import annotations

from tests.strategies import to_events
from timeline_engine.engine import Timeline

SOURCE = [{"title": "Example written for a test", "ref": "test:example"}]


def test_a_dissolved_organization_has_no_members_afterwards():
    recs = [
        {
            "id": "org-founded",
            "date": "1990",
            "subject": "ORG",
            "kind": "founded",
            "name": "Organization",
            "subject_kind": "organization",
            "sources": SOURCE,
        },
        {"id": "j", "date": "1990", "subject": "ORG", "kind": "joined", "party": "UZB", "sources": SOURCE},
        {"id": "d", "date": "1995", "subject": "ORG", "kind": "dissolved", "sources": SOURCE},
    ]
    answer = Timeline(to_events(recs)).members("ORG", on="2000")
    assert not answer.exists
    assert answer.parties == []
