"""The UN human-rights treaty status tables as events, checked against the bundled catalog
for the five Central Asian states."""

from __future__ import annotations

import csv

import pytest

from tests.datasets.conftest import CATALOG_TREATIES, CENTRAL_ASIA, UN_DIR
from timeline_engine.engine import Timeline
from timeline_engine.engine.compare import compare_standings
from timeline_engine.engine.datasets.un_status import (
    TREATY_IDS,
    UnStatusError,
    read_un_status,
    read_un_status_folder,
    treaty_id,
    un_status_events,
)

HEADER = "iso2,member,state party,year ratification or accession,signatory,no action,status,note\n"


def test_treaty_ids_come_from_the_file_names_as_the_catalog_spells_them():
    files = sorted(p.name for p in UN_DIR.glob("hr_status_*.csv"))
    assert len(files) == 18
    ids = {treaty_id(f) for f in files}
    assert set(CATALOG_TREATIES) <= ids
    assert {
        "ICCPR-OP1",
        "ICCPR-OP2",
        "ICESCR-OP",
        "ICMW",
        "OP-CEDAW",
        "OP-CRC-AC",
        "OP-CRC-SC",
        "OP-CRC-IC",
        "OP-CRPD",
    } <= ids
    assert treaty_id("hr_status_opcat.csv") == "OP-CAT"
    assert treaty_id("hr_status_new_thing.csv") == "NEW-THING"
    assert set(TREATY_IDS.values()) == ids


def test_a_state_party_becomes_one_ratified_event_with_its_row_as_the_quote():
    events = un_status_events(UN_DIR / "hr_status_iccpr.csv")
    founded = events[0]
    assert (founded.kind, founded.subject, founded.date.text) == ("founded", "ICCPR", "1966")
    assert founded.name == "International Covenant on Civil and Political Rights"
    kgz = next(e for e in events if getattr(e, "party", None) == "KGZ")
    assert (kgz.id, kgz.kind, kgz.date.text) == ("unhr-iccpr-1994-kgz-ratified", "ratified", "1994")
    assert kgz.sources[0].ref == "un-hr-treaties/hr_status_iccpr.csv"
    assert kgz.sources[0].quote == "KG,Kyrgyzstan,1,1994,0,0,state party,"
    assert "merges ratification and accession" in kgz.note


def test_signatories_without_a_year_are_listed_not_invented():
    result = read_un_status(UN_DIR / "hr_status_crpd.csv")
    assert not any(e.kind == "signed" for e in result.events)
    tjk = [u for u in result.unrecorded if u.party == "TJK"]
    assert [(u.status, u.reason) for u in tjk] == [("signatory state", "the data set gives no year of signature")]


def test_the_status_column_decides_and_a_clash_with_the_flags_is_noted():
    kaz = next(e for e in un_status_events(UN_DIR / "hr_status_iccpr_op1.csv") if getattr(e, "party", None) == "KAZ")
    assert (kaz.kind, kaz.date.text) == ("ratified", "2009")
    assert "disagree with its status 'state party' (state party = 0)" in kaz.note


def test_withdrawn_or_wrong_iso2_codes_are_resolved_and_noted():
    east_timor = next(e for e in un_status_events(UN_DIR / "hr_status_cat.csv") if getattr(e, "party", None) == "TLS")
    assert "iso2 TP" in east_timor.note
    result = read_un_status(UN_DIR / "hr_status_op_crc_ic.csv")  # South Sudan's iso2 is written "S"
    assert result.treaty == "OP-CRC-IC"


def test_all_eighteen_files_replay_together():
    results = read_un_status_folder(UN_DIR)
    tl = Timeline([e for r in results for e in r.events])
    assert len(results) == 18
    assert "UZB" in tl.members("ICCPR", on="1996").parties


def test_central_asian_ratification_years_agree_with_the_catalog(catalog, un_timeline):
    """Every catalog ratification, accession or succession by KAZ, KGZ, UZB, TJK or TKM in the nine
    treaties has the same year in the data set, and the reverse."""

    def years(tl, kinds):
        return {
            (e.subject, e.party, e.when.text)
            for t in CATALOG_TREATIES
            for e in tl.events_in_force(t)
            if e.kind in kinds and e.party in CENTRAL_ASIA
        }

    ours = years(catalog, ("ratified", "acceded", "succeeded"))
    theirs = years(un_timeline, ("ratified",))
    assert ours == theirs
    rows = 0
    for t in CATALOG_TREATIES:
        name = next(f for f, tid in TREATY_IDS.items() if tid == t)
        with open(UN_DIR / f"hr_status_{name}.csv", newline="") as f:
            rows += sum(
                1
                for r in csv.DictReader(f)
                if r["status"] == "state party" and r["iso2"] in {"KZ", "KG", "UZ", "TJ", "TM"}
            )
    assert len(ours) == rows > 30


def test_the_only_disagreements_are_signatures_the_data_set_cannot_date(catalog, un_timeline):
    """Found: the catalog dates the CRPD signatures of Uzbekistan (2009-02-27), Kyrgyzstan
    (2011-09-21) and Tajikistan (2018); the data set lists signatories without a year."""
    found = []
    for t in CATALOG_TREATIES:
        for d in compare_standings(catalog, un_timeline, t, parties=CENTRAL_ASIA):
            found.append(d)
            assert "signatory" in d.a and "signatory" not in d.b, d
            assert any(e.kind == "signed" for e in d.a_events)
    assert {(d.subject, d.party) for d in found} == {("CRPD", "UZB"), ("CRPD", "KGZ"), ("CRPD", "TJK")}
    uzb = [d for d in found if d.party == "UZB" and d.certainty == "certain"]
    assert (uzb[0].start.isoformat(), uzb[0].end.isoformat()) == ("2009-02-27", "2020-12-31")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("hr_status_x.csv", "a,b\n", r":1: expected the columns iso2, member"),
        ("hr_status_x.csv", HEADER + "KG,Kyrgyzstan,1,1994,0,0,party,\n", r":2: status must be one of"),
        (
            "hr_status_x.csv",
            HEADER + "KG,Kyrgyzstan,1,94,0,0,state party,\n",
            r":2: the year of ratification or accession must be four digits",
        ),
        (
            "hr_status_x.csv",
            HEADER + "QQ,Nowhere,1,1994,0,0,state party,\n",
            r":2: iso2 'QQ' is not an ISO 3166-1 alpha-2 code",
        ),
        (
            "hr_status_x.csv",
            HEADER + "KG,Kyrgyzstan,1,1994,0,0,state party,\nKG,Kyrgyzstan,1,1994,0,0,state party,\n",
            r":3: KGZ already has a row \(line 2\)",
        ),
        ("status_x.csv", HEADER, r"expected a file named hr_status_<treaty>.csv"),
    ],
)
def test_a_malformed_status_file_is_refused_with_its_line(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(UnStatusError, match=message):
        read_un_status(path, declare_subject=False)


def test_a_treaty_without_a_readme_entry_needs_declare_subject_false(tmp_path):
    path = tmp_path / "hr_status_x.csv"
    path.write_text(HEADER + "KG,Kyrgyzstan,1,1994,0,0,state party,\n")
    with pytest.raises(UnStatusError, match="put the data set's SOURCE-README"):
        read_un_status(path)
    events = un_status_events(path, declare_subject=False)
    assert [e.party for e in events if e.kind != "attested"] == ["KGZ"]
    assert [(e.kind, e.date.text, e.parties) for e in events if e.kind == "attested"] == [("attested", "1994", "KGZ")]
