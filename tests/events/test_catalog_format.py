"""The catalog's text format (.tl): comments, aliases, JSON-quoted values, problems by line."""

from __future__ import annotations

import io
import textwrap

import pytest

from timeline_engine.events.catalog_format import read_catalog, write_catalog
from timeline_engine.events.codec import event_from_record, event_to_record
from timeline_engine.events.errors import Problem
from timeline_engine.events.model import Origin, Source


def read(text: str, file: str = "c.tl"):
    problems: list[Problem] = []
    events = list(read_catalog(textwrap.dedent(text).lstrip("\n").splitlines(), file, problems))
    return events, problems


SAMPLE = """
    # A comment line, then a blank line.

    subject ORG

    source doc1
      ref: 001_doc.txt
      title: The first document
      url: https://example.org/doc1

    event org-founded
      date: 1990-01-01
      kind: founded
      name: Organization
      subject_kind: organization
      source: doc1
        quote: It was founded.
        page: 4

    # comments may sit between events
    event org-kaz-joined
      date: 2003
      kind: joined
      party: KAZ
      source: doc1
      source: public:record-7
        title: A public record
      note: "  leading spaces, and\\na second line"

    event other-uzb-signed
      subject: TRE
      date: 2004-06
      kind: signed
      party: UZB
      source: doc1
        page: "12"
"""


def test_a_catalog_file_reads_to_the_events_its_json_lines_would_give():
    events, problems = read(SAMPLE)
    assert problems == []
    assert [event_to_record(e) for e in events] == [
        {
            "id": "org-founded",
            "date": "1990-01-01",
            "subject": "ORG",
            "kind": "founded",
            "name": "Organization",
            "subject_kind": "organization",
            "sources": [
                {
                    "title": "The first document",
                    "ref": "001_doc.txt",
                    "quote": "It was founded.",
                    "url": "https://example.org/doc1",
                    "page": 4,
                }
            ],
        },
        {
            "id": "org-kaz-joined",
            "date": "2003",
            "subject": "ORG",
            "kind": "joined",
            "party": "KAZ",
            "sources": [
                {"title": "The first document", "ref": "001_doc.txt", "url": "https://example.org/doc1"},
                {"title": "A public record", "ref": "public:record-7"},
            ],
            "note": "  leading spaces, and\na second line",
        },
        {
            "id": "other-uzb-signed",
            "date": "2004-06",
            "subject": "TRE",
            "kind": "signed",
            "party": "UZB",
            "sources": [
                {"title": "The first document", "ref": "001_doc.txt", "url": "https://example.org/doc1", "page": "12"}
            ],
        },
    ]


def test_each_event_remembers_the_line_it_starts_on():
    events, _ = read(SAMPLE)
    assert [e.origin for e in events] == [Origin("c.tl", 10), Origin("c.tl", 20), Origin("c.tl", 29)]


def test_an_override_under_one_event_does_not_change_the_alias_for_the_next():
    events, _ = read(SAMPLE)
    assert events[0].sources[0].quote == "It was founded."
    assert events[1].sources[0].quote is None
    assert events[1].sources[0].page is None


def test_an_unquoted_page_of_digits_is_a_number_and_a_quoted_one_is_text():
    events, _ = read(SAMPLE)
    assert events[0].sources[0].page == 4
    assert events[2].sources[0].page == "12"


def test_an_alias_page_is_read_like_an_event_page():
    events, problems = read("""
        subject ORG
        source s
          ref: r
          title: t
          page: 7
        event e1
          date: 2001
          kind: joined
          party: KAZ
          source: s
    """)
    assert problems == [] and events[0].sources[0].page == 7


@pytest.mark.parametrize(
    "body, line, message",
    [
        (
            "event e1\n  date: 2001\n  kind: joined\n  party: KAZ\n  source: r\n  colour: red\n",
            6,
            "field 'colour' is not an event field",
        ),
        (
            "event e1\n  date: 2001\n  date: 2002\n  kind: joined\n  party: KAZ\n  source: r\n",
            3,
            "field 'date' given twice",
        ),
        (
            "event e1\n  date 2001\n  kind: joined\n  party: KAZ\n  source: r\n",
            2,
            "expected 'key: value', found 'date 2001'",
        ),
        (
            'event e1\n  date: 2001\n  kind: joined\n  party: KAZ\n  source: r\n  note: "unclosed\n',
            6,
            "quoted value is not a valid JSON string",
        ),
        ("event e1\n\tdate: 2001\n  kind: joined\n  party: KAZ\n  source: r\n", 2, "indent with spaces, not tabs"),
        (
            "event e1\n  date: 2001\n  kind: joined\n  party: KAZ\n  source: r\n    editor: me\n",
            6,
            "unknown source field 'editor'",
        ),
    ],
)
def test_a_syntax_problem_inside_an_event_names_its_line_and_the_event(body, line, message):
    head = "subject ORG\nsource r\n  ref: r\n  title: t\n"
    events, problems = read(head + body + "event e2\n  date: 2002\n  kind: joined\n  party: UZB\n  source: r\n")
    assert [e.id for e in events] == ["e2"], "the bad event is left out and reading goes on"
    assert [(p.file, p.line, p.event_id) for p in problems] == [("c.tl", line + 4, "e1")]
    assert message in problems[0].message


def test_a_bad_record_is_reported_on_its_event_line_with_its_id():
    events, problems = read("""
        subject ORG
        event e1
          date: 2001-13
          kind: joined
          party: KAZ
          source: r
            title: t
    """)
    assert events == []
    assert [str(p) for p in problems] == [
        "c.tl:2: event e1: bad date '2001-13': month 13 is not 01-12 (expected EDTF such as 1992-05-15, 2012-06, 1993, 2006-22 (summer), 2012? or 2007~)"
    ]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("subject ORG\nhello world\n", 2, "expected 'subject ID', 'source ALIAS' or 'event ID', found 'hello world'"),
        ("subject ORG\n  date: 2001\n", 2, "indented line outside an event or source block"),
        ("source s\n  ref: r\n  colour: red\n", 3, "unknown source field 'colour'"),
        ("event\n", 1, "expected 'subject ID', 'source ALIAS' or 'event ID', found 'event'"),
    ],
)
def test_a_syntax_problem_outside_events_names_its_line(text, line, message):
    _, problems = read(text)
    assert [(p.line, p.event_id) for p in problems] == [(line, None)]
    assert message in problems[0].message


def test_an_event_without_a_subject_anywhere_is_a_problem():
    _, problems = read("event e1\n  date: 2001\n  kind: joined\n  party: KAZ\n  source: r\n    title: t\n")
    assert [(p.line, p.event_id) for p in problems] == [(1, "e1")]
    assert "missing required field 'subject'" in problems[0].message


def test_writing_uses_json_quotes_wherever_plain_text_would_not_read_back():
    rec = {
        "id": "e1",
        "date": "2001",
        "subject": "ORG",
        "kind": "joined",
        "party": "KAZ",
        "sources": [
            {"title": '"Quoted" title', "ref": "r 1", "quote": "first line\nsecond line", "page": "7"},
            {"title": "Plain: with a colon # and a hash", "ref": "r2", "page": -3},
            {"title": "t", "ref": "r3", "page": "١٢", "url": "https://example.org/a?b=c"},
        ],
        "note": " surrounded by spaces \u2028 and a separator ",
    }
    out = io.StringIO()
    write_catalog([event_from_record(rec)], out)
    text = out.getvalue()
    assert '    title: "\\"Quoted\\" title"\n' in text
    assert '    page: "7"\n' in text
    assert "    page: -3\n" in text
    assert "    title: Plain: with a colon # and a hash\n" in text
    assert '  note: " surrounded by spaces \\u2028 and a separator "\n' in text
    events, problems = read(text)
    assert problems == []
    assert [event_to_record(e) for e in events] == [rec]


def test_a_written_catalog_holds_one_block_per_event():
    recs = [
        {
            "id": f"e{i}",
            "date": "2001",
            "subject": "ORG",
            "kind": "joined",
            "party": p,
            "sources": [{"title": "t", "ref": "r"}],
        }
        for i, p in enumerate(("KAZ", "UZB"), 1)
    ]
    out = io.StringIO()
    assert write_catalog([event_from_record(r) for r in recs], out) == 2
    assert out.getvalue().count("\nevent ") + out.getvalue().startswith("event ") == 2


def test_the_source_alias_keeps_its_fields_when_an_event_adds_a_page():
    events, _ = read("""
        subject ORG
        source s
          ref: r
          title: t
        event e1
          date: 2001
          kind: joined
          party: KAZ
          source: s
            page: 3
    """)
    assert events[0].sources == (Source(title="t", ref="r", page=3),)
