"""Names as people write them: other scripts survive normalisation, and states resolve from their names in
other languages (the ISO 3166 translations pycountry ships)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline_engine.events.errors import UnknownParty
from timeline_engine.events.parties import normalize_name, resolve_party


@pytest.mark.parametrize(
    "text, key",
    [
        ("Türkiye", "turkiye"),
        ("Côte d’Ivoire", "cote d ivoire"),
        ("ŠANGHAJSKÁ", "sanghajska"),
        ("ШОС", "шос"),
        ("Организация  Договора о коллективной безопасности", "организация договора о коллективной безопасности"),
        ("上海合作组织", "上海合作组织"),
        ("ＳＣＯ", "sco"),
        ("Ёлка", "елка"),
    ],
)
def test_latin_names_fold_to_ascii_and_other_scripts_are_kept(text, key):
    assert normalize_name(text) == key


def test_a_non_latin_name_is_not_erased():
    assert normalize_name("ОДКБ") != normalize_name("ШОС")
    assert normalize_name("上海合作组织") != ""


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalize_name(text)
    assert normalize_name(once) == once


@given(st.text())
def test_a_normalised_name_has_single_spaces_and_no_upper_case(text):
    key = normalize_name(text)
    assert key == key.strip() and "  " not in key and key == key.lower()


@pytest.mark.parametrize(
    "text, code",
    [
        ("Казахстан", "KAZ"),
        ("Қазақстан", "KAZ"),
        ("哈萨克斯坦", "KAZ"),
        ("Кыргызстан", "KGZ"),
        ("Узбекистан", "UZB"),
        ("Тоҷикистон", "TJK"),
        ("Россия", "RUS"),
        ("Российская Федерация", "RUS"),
        ("中国", "CHN"),
        ("Kazajistán", "KAZ"),
        ("Ouzbékistan", "UZB"),
        ("СССР", "SUN"),
    ],
)
def test_a_state_resolves_from_its_name_in_another_language(text, code):
    assert resolve_party(text) == code


def test_a_name_in_no_language_is_still_unknown():
    with pytest.raises(UnknownParty, match=r"^unknown party 'Шмазахстан'"):
        resolve_party("Шмазахстан")
