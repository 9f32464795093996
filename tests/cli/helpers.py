"""Records and assertions shared by the CLI tests."""

from __future__ import annotations

SOURCE = [{"title": "Example written for a test", "ref": "test:example"}]


def founded(sid: str = "ORG", kind: str = "organization", date: str = "1990-01-01", **extra) -> dict:
    return {
        "id": f"{sid.lower()}-founded",
        "date": date,
        "subject": sid,
        "kind": "founded",
        "name": f"Subject {sid}",
        "subject_kind": kind,
        "sources": SOURCE,
        **extra,
    }


def participation(eid: str, kind: str, party: str, date: str, subject: str = "ORG", **extra) -> dict:
    return {"id": eid, "date": date, "subject": subject, "kind": kind, "party": party, "sources": SOURCE, **extra}


def assert_one_error_line(result, *fragments: str) -> str:
    """Exit 1, nothing on stdout, exactly one line on stderr, no traceback; return that line."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]
