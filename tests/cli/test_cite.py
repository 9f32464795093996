"""`timeline cite`: the sources behind an answer as a bibliography (issue 15 item 8)."""

from __future__ import annotations

import json
import re

import pytest

from timeline_engine.engine.citations import cited, to_bibtex
from timeline_engine.engine.timeline import Timeline


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A strict reader for what `cite` writes: `@type{key,` then `name = {value}` fields, braces balanced."""
    entries = []
    for chunk in [c.strip() for c in re.split(r"\n(?=@)", text.strip()) if c.strip()]:
        head = re.match(r"@(\w+)\{([A-Za-z0-9:_-]+),\n", chunk)
        assert head, chunk[:80]
        assert chunk.endswith("\n}"), chunk[-80:]
        fields: dict[str, str] = {}
        for line in chunk[head.end() : -2].split(",\n"):
            m = re.fullmatch(r"  ([a-z]+) = \{(.*)\}", line, re.S)
            assert m, line
            value = m.group(2)
            depth = 0
            for i, ch in enumerate(value):
                if ch in "{}" and (i == 0 or value[i - 1] != "\\"):
                    depth += 1 if ch == "{" else -1
                    assert depth >= 0, value
            assert depth == 0, value
            assert m.group(1) not in fields, line
            fields[m.group(1)] = value
        entries.append((head.group(1), head.group(2), fields))
    return entries


def test_the_csto_roster_of_2020_cites_one_document_once(ok):
    # seed 001 names the six members; the six `joined` events cite the one CSTO page
    entries = parse_bibtex(ok("cite", "CSTO", "--on", "2020"))
    assert [(t, k) for t, k, _ in entries] == [("misc", "collective2022history")]
    fields = entries[0][2]
    assert fields["title"] == "{History of creation, fundamentals of activity, organizational structure}"
    assert fields["author"] == "{Collective Security Treaty Organization, Secretariat}"
    assert (fields["year"], fields["url"]) == ("2022", "https://en.odkb-csto.org/25years/")
    assert fields["note"].count("csto-2002-10-07-") == 6


def test_every_bibtex_entry_of_a_large_answer_parses_and_keys_are_unique(ok):
    entries = parse_bibtex(ok("cite", "SCO", "--on", "2024-07-04", "--standing", "all"))
    keys = [k for _, k, _ in entries]
    assert len(keys) == len(set(keys)) > 10
    assert all("title" in f and ("author" in f or "publisher" in f) for _, _, f in entries)
    assert not [f for _, _, f in entries if "002_a5193516cdae096a.txt" in f["title"]]


def test_csl_json_is_a_list_of_items_with_type_title_issued_and_url_where_known(ok):
    items = json.loads(ok("cite", "SCO", "Egypt", "--on", "2023", "--format", "csl-json"))
    assert isinstance(items, list) and items
    assert all({"id", "type", "title"} <= set(i) for i in items)
    by_title = {i["title"]: i for i in items}
    qatar_day = by_title["Egypt agrees to be dialogue partner in Shanghai Cooperation Organisation"]
    assert qatar_day["issued"] == {"date-parts": [[2022, 9, 15]]}
    assert qatar_day["URL"].startswith("https://www.straitstimes.com/")
    assert qatar_day["type"] == "webpage" and qatar_day["author"] == [{"literal": "Xinhua"}]


@pytest.mark.parametrize(
    "issued, parts",
    [
        ("2024", {"date-parts": [[2024]]}),
        ("2023-05", {"date-parts": [[2023, 5]]}),
        ("2017-01-01", {"date-parts": [[2017, 1, 1]]}),
    ],
)
def test_csl_dates_keep_the_precision_of_the_source(issued, parts):
    from timeline_engine.engine.citations import _csl_date

    assert _csl_date(issued) == parts


def test_a_document_keeps_its_key_from_one_answer_to_another(ok):
    roster = {i["title"]: i["id"] for i in json.loads(ok("cite", "SCO", "--on", "2020", "--format", "csl-json"))}
    one = {i["title"]: i["id"] for i in json.loads(ok("cite", "SCO", "KAZ", "--on", "2020", "--format", "csl-json"))}
    assert one and all(roster[t] == k for t, k in one.items())
    assert ok("cite", "SCO", "--on", "2020") == ok("cite", "SCO", "--on", "2020")


def test_a_party_without_standing_has_nothing_to_cite(invoke):
    result = invoke("cite", "SCO", "Laos", "--on", "2020")
    assert result.exit_code == 0
    assert (result.stdout, result.stderr) == ("", "note: no standing on that date, so no source to cite\n")


def test_cite_without_a_date_is_a_usage_error(invoke):
    result = invoke("cite", "SCO")
    assert result.exit_code == 2 and "--on" in result.output


def test_cite_of_an_unknown_subject_is_one_error_line(invoke):
    result = invoke("cite", "Atlantis", "--on", "2020")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unknown subject 'Atlantis'") and result.stderr.count("\n") == 1


def test_a_store_cites_as_the_catalog_does(ok, invoke, tmp_path):
    log, store = tmp_path / "all.jsonl", tmp_path / "s.duckdb"
    for args in (
        ("export", "--to", "jsonl", "--out", log),
        ("init", "--store", store),
        ("import", log, "--store", store),
    ):
        assert invoke(*args).exit_code == 0
    assert ok("cite", "CSTO", "Uzbekistan", "--on", "2013", "--store", store) == ok(
        "cite", "CSTO", "Uzbekistan", "--on", "2013"
    )


def test_the_library_gives_each_document_once_with_every_event_citing_it():
    citations = cited(Timeline.load(), "CSTO", on="2020")
    assert len(citations) == 1 and len(citations[0].events) == 6
    assert to_bibtex(citations).startswith("@misc{collective2022history,\n")
