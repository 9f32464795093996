"""Subjects, states and people by the names people write: both spellings of Organisation, the seeds'
spellings, Russian and Chinese names and abbreviations, surnames (issue 13 item 6)."""

from __future__ import annotations

import json

import pytest

SCO_2020 = {"CHN", "IND", "KAZ", "KGZ", "PAK", "RUS", "TJK", "UZB"}
CSTO_2020 = {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}


@pytest.mark.parametrize(
    "name, members",
    [
        ("Shanghai Cooperation Organization", SCO_2020),  # seed 002's own spelling
        ("Shanghai Cooperation Organisation", SCO_2020),
        ("ШОС", SCO_2020),
        ("Шанхайская организация сотрудничества", SCO_2020),
        ("上海合作组织", SCO_2020),
        ("Collective Security Treaty Organisation", CSTO_2020),  # seed 000's spelling
        ("ОДКБ", CSTO_2020),
        ("Организация Договора о коллективной безопасности", CSTO_2020),
        ("集体安全条约组织", CSTO_2020),
    ],
)
def test_members_answer_for_a_subject_named_as_people_write_it(ok, name, members):
    rows = json.loads(ok("members", name, "--on", "2020", "--format", "json"))
    assert {r["party"] for r in rows} == members


@pytest.mark.parametrize(
    "name",
    [
        "Organisation for Security and Co-operation in Europe",
        "Organization for Cooperation and Security in Europe",
        "ОБСЕ",
    ],
)
def test_the_osce_answers_to_its_spellings(ok, name):
    rows = json.loads(ok("members", name, "--on", "2000", "--format", "json"))
    assert "KAZ" in {r["party"] for r in rows}


def test_a_misspelt_russian_abbreviation_suggests_the_subject(invoke):
    result = invoke("members", "ШОЗ", "--on", "2020")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: unknown subject 'ШОЗ' — did you mean SCO?"


def test_a_state_named_in_russian_answers_explain(ok):
    answer = json.loads(ok("explain", "ШОС", "Казахстан", "--on", "2010", "--format", "json"))
    assert answer["party"] == "KAZ" and [s["standing"] for s in answer["standing"]] == ["member"]


@pytest.mark.parametrize("who", ["Bordyuzha", "bordyuzha", "Nikolai Bord", "Nikolai Bordyuzha"])
def test_history_finds_a_person_by_surname_or_any_unambiguous_part(ok, who):
    events = json.loads(ok("history", who, "--format", "json"))
    assert {e["holder"] for e in events} == {"Nikolai Bordyuzha"}


def test_history_of_an_ambiguous_name_names_everyone_it_could_mean(invoke):
    result = invoke("history", "Zhang")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: 'Zhang' could be 3 office holders: Zhang Deguang, Zhang Ming or Zhang Xinfeng — give more of the name"
    )


def test_history_of_a_misspelt_surname_suggests_the_person(invoke):
    result = invoke("history", "Bordyuzja")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no party or office holder 'Bordyuzja' — did you mean Nikolai Bordyuzha?"
