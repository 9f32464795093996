"""Parties: what a user types (a code or a name) resolves to an ISO 3166 alpha-3 code."""

from __future__ import annotations

import pytest

from timeline_engine.events.errors import TimelineError, UnknownParty
from timeline_engine.events.parties import PartyNames, is_party_code, party_name, resolve_party


@pytest.mark.parametrize("text", ["UZB", "uzb", " Uzb ", "Uzbekistan", "uzbekistan", "UZ"])
def test_a_code_or_a_name_in_any_case_resolves_to_the_code(text):
    assert resolve_party(text) == "UZB"


@pytest.mark.parametrize(
    "text, code",
    [
        ("Kyrgyz Republic", "KGZ"),
        ("Kyrgyzstan", "KGZ"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("Kazakhstan", "KAZ"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Czech Republic", "CZE"),
        ("Palestine", "PSE"),
        ("Holy See", "VAT"),
    ],
)
def test_names_historians_use_resolve(text, code):
    assert resolve_party(text) == code


@pytest.mark.parametrize(
    "text, code, name",
    [
        ("SUN", "SUN", "Soviet Union"),
        ("USSR", "SUN", "Soviet Union"),
        ("Soviet Union", "SUN", "Soviet Union"),
        ("YUG", "YUG", "Yugoslavia"),
        ("Czechoslovakia", "CSK", "Czechoslovakia"),
        ("German Democratic Republic", "DDR", "German Democratic Republic"),
    ],
)
def test_historical_states_have_iso_3166_3_codes(text, code, name):
    assert resolve_party(text) == code
    assert party_name(code) == name
    assert is_party_code(code)


@pytest.mark.parametrize(
    "code, name", [("RUS", "Russia"), ("KGZ", "Kyrgyzstan"), ("UZB", "Uzbekistan"), ("KOR", "South Korea")]
)
def test_a_code_has_a_readable_name(code, name):
    assert party_name(code) == name


def test_a_misspelt_name_suggests_the_state_meant():
    with pytest.raises(UnknownParty) as caught:
        resolve_party("Uzbekistn")
    assert str(caught.value) == "unknown party 'Uzbekistn' — did you mean UZB (Uzbekistan)?"


def test_an_ambiguous_short_name_offers_each_state_it_could_mean():
    with pytest.raises(UnknownParty) as caught:
        resolve_party("Korea")
    assert "KOR (South Korea)" in str(caught.value) and "PRK (North Korea)" in str(caught.value)


def test_a_name_like_no_state_says_what_is_expected():
    with pytest.raises(UnknownParty, match=r"unknown party 'Zzyzx' \(expected an ISO 3166 alpha-3 code"):
        resolve_party("Zzyzx")


def test_an_empty_party_says_what_is_expected():
    with pytest.raises(UnknownParty, match="no party given: expected an ISO 3166 alpha-3 code"):
        resolve_party("  ")


def test_an_unknown_party_is_a_timeline_error_and_a_lookup_error():
    with pytest.raises(TimelineError):
        resolve_party("Atlantis")
    with pytest.raises(LookupError):
        resolve_party("Atlantis")


@pytest.mark.parametrize(
    "code, ok",
    [
        ("UZB", True),
        ("SUN", True),
        ("XKX", True),
        ("QMA", True),
        ("uzb", False),
        ("ABC", False),
        ("UZBK", False),
        ("", False),
    ],
)
def test_only_upper_case_iso_or_user_assigned_codes_are_party_codes(code, ok):
    assert is_party_code(code) is ok


def test_a_user_assigned_code_resolves_by_the_name_its_record_gives_it():
    parties = PartyNames({"XTQ": "Republic of Testing Hypotheticals"})
    assert parties.resolve("Republic of Testing Hypotheticals") == "XTQ"
    assert parties.name("XTQ") == "Republic of Testing Hypotheticals"
    assert parties.resolve("xtq") == "XTQ"
    assert party_name("XTQ") == "XTQ"  # the name belongs to that record, not to the process
