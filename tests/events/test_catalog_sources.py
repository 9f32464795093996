"""Every event of the bundled catalog is sourced, and every source can be checked.

A source's ``ref`` is one of: a seed document in ``shared/seeds``, a file of a data set under
``shared/data``, or a named public record (``public-record:...``). A quote from a seed or a
data set must be found in that file, word for word (whitespace, no-break spaces included,
is normalised; "..." or "…" in a quote marks an elision, and the pieces must come in order).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import SHARED
from timeline_engine.events.io import catalog_paths, read_paths

SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
PUBLIC = "public-record:"


def _load():
    problems: list = []
    events = read_paths(list(catalog_paths()), problems)
    assert not problems, problems
    return events


EVENTS = _load()
SOURCED = [(e, i, s) for e in EVENTS for i, s in enumerate(e.sources)]


def _source_id(param) -> str:
    event, index, _ = param
    return f"{event.id}#{index}"


def _normalise(text: str) -> str:
    """One space for every run of whitespace (``\\s`` covers U+00A0 and the other Unicode spaces)."""
    return re.sub(r"\s+", " ", text).strip()


def _path_of(ref: str) -> Path | None:
    """The file a ref names, or None for a public record."""
    if ref.startswith(PUBLIC):
        return None
    if "/" not in ref:
        return SEEDS / ref
    return DATA / ref


@cache
def _text_of(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return _normalise(raw.decode("utf-8"))


def _pieces(quote: str) -> list[str]:
    return [p for p in (_normalise(x) for x in re.split(r"\.\.\.|…", quote)) if p]


def _quote_found(quote: str, text: str) -> bool:
    at = 0
    for piece in _pieces(quote):
        at = text.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


def test_the_bundled_catalog_has_events_from_every_file():
    files = {Path(e.origin.file).name for e in EVENTS}
    assert files == {p.name for p in catalog_paths()}
    assert len(EVENTS) > 150


def test_event_ids_are_unique_across_the_catalog():
    repeated = [i for i, n in Counter(e.id for e in EVENTS).items() if n > 1]
    assert repeated == []


def test_event_ids_start_with_their_subject():
    wrong = [e.id for e in EVENTS if not e.id.startswith(e.subject.lower() + "-")]
    assert wrong == []


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.id)
def test_every_event_has_a_source_with_ref_and_title(event):
    assert event.sources, f"{event.id} ({event.where()}) has no source"
    for s in event.sources:
        assert s.ref.strip() and s.title.strip()


@pytest.mark.parametrize("param", SOURCED, ids=_source_id)
def test_every_source_names_a_seed_a_data_file_or_a_public_record(param):
    event, _, source = param
    path = _path_of(source.ref)
    if path is None:
        assert len(source.ref) > len(PUBLIC) + 5, f"{event.id}: a public record must be named"
        return
    assert path.resolve().is_relative_to(SHARED.resolve()), f"{event.id}: {source.ref} leaves the shared folder"
    assert path.is_file(), f"{event.id} ({event.where()}) cites {source.ref!r}, which is not a file in {path.parent}"


@pytest.mark.parametrize("param", [p for p in SOURCED if _path_of(p[2].ref) is not None], ids=_source_id)
def test_every_document_source_quotes_its_document(param):
    event, _, source = param
    assert source.quote, f"{event.id} ({event.where()}) cites {source.ref} without a quote"
    assert _quote_found(source.quote, _text_of(_path_of(source.ref))), (
        f"{event.id} ({event.where()}): quote not found in {source.ref}: {source.quote!r}"
    )


@pytest.mark.parametrize(
    "event", [e for e in EVENTS if any(s.ref.startswith(PUBLIC) for s in e.sources)], ids=lambda e: e.id
)
def test_an_event_resting_on_a_public_record_says_so_in_its_note(event):
    assert event.note and "public record" in event.note.lower(), (
        f"{event.id} ({event.where()}) cites a public record but its note does not say what came from it"
    )


@pytest.mark.parametrize("path", list(catalog_paths()), ids=lambda p: p.name)
def test_every_catalog_file_opens_with_comments_saying_what_it_covers(path):
    first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
    assert first.startswith("#")


# The checker itself: a quote that is not in the document must be caught.

SAMPLE = (
    "The treaty entered into force upon completion\u00a0of the national  ratification procedures on April 20, 1994."
)


def test_a_verbatim_quote_is_found_whatever_its_whitespace():
    assert _quote_found("entered into force upon completion of the national ratification", _normalise(SAMPLE))


def test_an_elided_quote_is_found_when_its_pieces_come_in_order():
    text = _normalise(SAMPLE)
    assert _quote_found("The treaty entered ... on April 20, 1994.", text)
    assert not _quote_found("on April 20, 1994 ... The treaty entered", text)


def test_a_quote_with_a_changed_word_or_date_is_not_found():
    text = _normalise(SAMPLE)
    assert not _quote_found("entered into force on April 21, 1994", text)
    assert not _quote_found("The treaty came into force", text)


def test_every_seed_named_in_the_seed_readme_exists():
    listed = set(re.findall(r"\b\d{3}_[0-9a-f]{16}\.txt\b", (SEEDS / "README.md").read_text(encoding="utf-8")))
    assert listed and all((SEEDS / name).is_file() for name in listed)
    cited = {s.ref for _, _, s in SOURCED if _path_of(s.ref) is not None and "/" not in s.ref}
    assert cited <= listed


# The treaty files against their two sources, read afresh: the UN data set (every Central Asian state,
# year of becoming a party, or signatory, or no action) and seed 000's Table 1 (the means, for three states).

import csv  # noqa: E402

TREATY_FILES = {
    "ICERD": "hr_status_icerd.csv",
    "ICCPR": "hr_status_iccpr.csv",
    "ICESCR": "hr_status_icescr.csv",
    "CEDAW": "hr_status_cedaw.csv",
    "CAT": "hr_status_cat.csv",
    "OP-CAT": "hr_status_opcat.csv",
    "CRC": "hr_status_crc.csv",
    "CPED": "hr_status_cped.csv",
    "CRPD": "hr_status_crpd.csv",
}
CENTRAL_ASIA = {"KZ": "KAZ", "KG": "KGZ", "TJ": "TJK", "TM": "TKM", "UZ": "UZB"}
TABLE_1_ROWS = {
    "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment": "CAT",
    "Optional Protocol of the Convention against Torture": "OP-CAT",
    "International Covenant on Civil and Political Rights": "ICCPR",
    "Convention for the Protection of All Persons from Enforced Disappearance": "CPED",
    "Convention on the Elimination of All Forms of Discrimination Against Women": "CEDAW",
    "International Convention on the Elimination of All Forms of Racial Discrimination": "ICERD",
    "International Covenant on Economic, Social and Cultural Rights": "ICESCR",
    "Convention on the Rights of the Children": "CRC",
    "Convention on the Rights of Persons with Disabilities": "CRPD",
}
TABLE_1_MEANS = {"Accession": "acceded", "Ratification": "ratified", "Signed": "signed", "–": None}
BECOMES_PARTY = {"ratified", "acceded", "succeeded"}


def _participation(subject: str, party: str) -> list:
    """A party's events in a subject, earliest first."""
    found = [e for e in EVENTS if e.subject == subject and getattr(e, "party", None) == party]
    return sorted(found, key=lambda e: e.date.lo)


def _data_set_rows():
    for subject, name in TREATY_FILES.items():
        with open(DATA / "un-hr-treaties" / name, newline="", encoding="utf-8") as f:
            for rec in csv.DictReader(f):
                if rec["iso2"] in CENTRAL_ASIA:
                    yield subject, CENTRAL_ASIA[rec["iso2"]], rec


def _table_1():
    lines = (SEEDS / "000_285a0541cf519c7d.txt").read_text(encoding="utf-8").splitlines()
    start = lines.index("Table 1 (UN Treaty Body Database)")
    header = [c.strip() for c in lines[start + 1].split("|")]
    assert header[1:4] == ["Kazakhstan", "Kyrgyzstan", "Uzbekistan"]
    for line in lines[start + 2 : start + 2 + len(TABLE_1_ROWS)]:
        cells = [c.strip() for c in line.split("|")]
        for code, means in zip(("KAZ", "KGZ", "UZB"), cells[1:4]):
            yield TABLE_1_ROWS[cells[0]], code, TABLE_1_MEANS[means]


DATA_SET = list(_data_set_rows())
TABLE_1 = list(_table_1())


def test_the_data_set_and_table_1_were_read_whole():
    assert len(DATA_SET) == len(TREATY_FILES) * len(CENTRAL_ASIA)
    assert len(TABLE_1) == len(TABLE_1_ROWS) * 3


@pytest.mark.parametrize("subject, party, rec", DATA_SET, ids=lambda x: x if isinstance(x, str) else "")
def test_every_central_asian_treaty_status_in_the_un_data_set_is_in_the_catalog(subject, party, rec):
    events = _participation(subject, party)
    became = [e for e in events if e.kind in BECOMES_PARTY]
    if rec["status"] == "state party":
        assert [e.date.text for e in became] == [rec["year ratification or accession"]]
    elif rec["status"] == "signatory state":
        assert became == [] and [e.kind for e in events] == ["signed"]
    else:
        assert rec["status"] == "no action" and events == []


@pytest.mark.parametrize("subject, party, means", TABLE_1, ids=lambda x: x if isinstance(x, str) else str(x))
def test_the_first_step_of_each_state_in_table_1_is_the_means_the_table_gives(subject, party, means):
    events = _participation(subject, party)
    if means is None:
        assert events == []
    else:
        assert events and events[0].kind == means


# A bibliography from the catalog: every source says what the document is, for a reader (issue 15).

DISTINCT_SOURCES = list({(s.ref, s.title, s.author, s.publisher, s.issued, s.url): s for _, _, s in SOURCED}.values())


@pytest.mark.parametrize("source", DISTINCT_SOURCES, ids=lambda s: f"{s.ref[:40]}|{s.title[:30]}")
def test_every_source_names_who_issued_or_published_it_and_a_date_or_an_address(source):
    assert source.author or source.publisher, f"{source.ref}: no author/issuing body and no publisher"
    assert source.issued or source.url, f"{source.ref}: neither a date nor a URL"


@pytest.mark.parametrize("source", [s for s in DISTINCT_SOURCES if _path_of(s.ref) is not None], ids=lambda s: s.title)
def test_a_bundled_document_is_described_as_the_public_document_it_is_not_by_file_name(source):
    assert not re.search(r"\.(txt|csv|md)\b|bundled source document", source.title), source.title
    assert source.ref not in source.title


def test_every_document_of_seed_002_is_cited_as_itself():
    titles = {s.title for s in DISTINCT_SOURCES if s.ref == "002_a5193516cdae096a.txt"}
    assert {"Nepal and SCO", "SCO serves as model for fairer intl coordination"} <= titles
    assert any(t.startswith("Shanghai Cooperation Organisation") for t in titles)


@pytest.mark.parametrize("url", sorted({s.url for s in DISTINCT_SOURCES if s.url}))
def test_every_url_is_an_http_address(url):
    assert re.match(r"^https?://[^\s/]+\.[^\s/]+/\S*$", url), url
