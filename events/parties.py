"""States: ISO 3166-1 alpha-3 codes (ISO 3166-3 for historical states), their names, and
resolution of what a user types ("Uzbekistan", "Kyrgyz Republic", "uzb") to a code.

Names come from ``pycountry`` (the ISO 3166 databases, kept up to date upstream). Codes in
ISO's user-assigned ranges (``XAA``-``XZZ``, ``QMA``-``QZZ``) are accepted for states that
ISO never coded; a record that uses them (a store made from the Correlates of War panel) names
them, and :class:`PartyNames` holds those names for that record only: nothing here changes
for the whole process.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from .errors import UnknownParty

__all__ = ["USER_ASSIGNED", "PartyNames", "is_party_code", "normalize_name", "party_name", "resolve_party"]

USER_ASSIGNED = re.compile(r"^(X[A-Z]{2}|Q[M-Z][A-Z]|AA[A-Z]|ZZ[A-Z])$")

# Names historians use that the ISO databases do not carry.
_EXTRA_NAMES = {
    "RUS": ("Russia", "Россия"),
    "YUG": ("Yugoslavia",),
    "CSK": ("Czechoslovakia",),
    "GBR": ("Britain", "Great Britain", "UK"),
    "USA": ("United States", "US", "USA"),
    "TUR": ("Turkey",),
    "KGZ": ("Kirghizia", "Kyrgyz Republic"),
    "MDA": ("Moldavia",),
    "BLR": ("Byelorussia",),
    "CZE": ("Czech Republic",),
    "SUN": ("Soviet Union", "USSR", "СССР", "Советский Союз"),
}
_DISPLAY = {
    "RUS": "Russia",
    "SUN": "Soviet Union",
    "YUG": "Yugoslavia",
    "CSK": "Czechoslovakia",
    "TUR": "Türkiye",
    "KOR": "South Korea",
    "PRK": "North Korea",
}
_EXPECTED = "expected an ISO 3166 alpha-3 code such as UZB, SUN for the USSR, or a name such as Uzbekistan"


class _Folding(dict):
    """``str.translate`` table built as characters are met: a Latin letter loses its diacritics (``é`` ->
    ``e``; ``ß``, ``ø`` are dropped, as ASCII folding always did) and combining marks go; letters, digits
    and the marks of scripts that write vowels with them (Devanagari, Gujarati, …) are kept as written;
    anything else separates words."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch.isascii():
            out = ch if ch.isalnum() else " "
        elif unicodedata.name(ch, "").startswith(("LATIN", "COMBINING")):
            out = "".join(
                c for c in unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() if c.isalnum()
            )
        elif ch.isalnum() or unicodedata.category(ch)[0] == "M":
            out = ch
        else:
            out = " "
        self[code] = out
        return out


_FOLDING = _Folding({ord("ё"): "е"})


def normalize_name(text: str) -> str:
    """A name as compared: lower case, words separated by single spaces; Latin script folded to ASCII
    ("Türkiye" -> "turkiye"), Cyrillic, Chinese and other scripts kept ("ШОС" -> "шос")."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().translate(_FOLDING).split())


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(code -> display name, normalised name or code -> code)."""
    import pycountry

    names: dict[str, str] = {}
    lookup: dict[str, str] = {}
    for c in pycountry.historic_countries:
        code = c.alpha_3
        names.setdefault(code, c.name.split(",")[0])
        lookup.setdefault(normalize_name(c.name), code)
        lookup.setdefault(normalize_name(c.name.split(",")[0]), code)
    for c in pycountry.countries:
        code = c.alpha_3
        names[code] = getattr(c, "common_name", None) or c.name
        for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None), c.alpha_2):
            if n:
                lookup[normalize_name(n)] = code
    # Short forms ("Palestine, State of" -> "Palestine", "Holy See (Vatican City State)" ->
    # "Holy See"), kept only where they name one state ("Korea" would name two).
    short: dict[str, set[str]] = {}
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "official_name", None)):
            if n:
                for part in (n.split(",")[0], n.split(" (")[0]):
                    short.setdefault(normalize_name(part), set()).add(c.alpha_3)
    for key, codes in short.items():
        if len(codes) == 1 and key:
            lookup.setdefault(key, next(iter(codes)))
    for code, extra in _EXTRA_NAMES.items():
        for n in extra:
            lookup[normalize_name(n)] = code
    names.update(_DISPLAY)
    for code in names:
        lookup[normalize_name(code)] = code
    return names, lookup


# Languages tried first for a name that is not in the ISO tables (those of the region and the organizations
# this catalog covers); every other translation pycountry ships is tried after them.
_NEAR_LANGUAGES = (
    "ru",
    "zh_CN",
    "zh_TW",
    "kk",
    "ky",
    "uz",
    "tg",
    "tk",
    "fa",
    "ar",
    "tr",
    "uk",
    "be",
    "hy",
    "az",
    "mn",
    "fr",
    "de",
    "es",
)


@lru_cache(maxsize=2)
def _translations(near: bool) -> dict[str, str]:
    """Normalised name in another language -> code, from the ISO 3166-1 and 3166-3 translations pycountry
    ships (gettext catalogs); built on first use only, so start-up does not pay for it. A name that two
    states share in some translation is left out."""
    import gettext
    import os

    import pycountry

    english: dict[str, dict[str, str]] = {"iso3166-1": {}, "iso3166-3": {}}
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
            if n:
                english["iso3166-1"][n] = c.alpha_3
    for c in pycountry.historic_countries:
        english["iso3166-3"][c.name] = c.alpha_3
    languages = _NEAR_LANGUAGES if near else sorted(set(os.listdir(pycountry.LOCALES_DIR)) - set(_NEAR_LANGUAGES))
    found: dict[str, set[str]] = {}
    for domain, names in english.items():
        for lang in languages:
            try:
                catalog = gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang])
            except OSError:
                continue
            for msgid, text in getattr(catalog, "_catalog", {}).items():
                code = names.get(msgid) if isinstance(msgid, str) else None
                if code and text and text != msgid:
                    found.setdefault(normalize_name(text), set()).add(code)
    return {key: next(iter(codes)) for key, codes in found.items() if key and len(codes) == 1}


def is_party_code(code: str) -> bool:
    return isinstance(code, str) and (code in _tables()[0] or bool(USER_ASSIGNED.match(code)))


class PartyNames:
    """Party codes and names as one record knows them: the ISO 3166 tables, and the names a record
    gives to user-assigned codes (``extra``, code -> name)."""

    def __init__(self, extra: Mapping[str, str] | None = None):
        self.extra = dict(extra or {})
        self._lookup = {normalize_name(n): c for c, n in self.extra.items()}
        self._lookup.update({normalize_name(c): c for c in self.extra})

    def name(self, code: str) -> str:
        return self.extra.get(code) or _tables()[0].get(code) or code

    def resolve(self, text: str) -> str:
        """A code for what the user typed: a code or a name, any case; suggest the closest if unknown."""
        raw = str(text).strip()
        if not raw:
            raise UnknownParty(f"no party given: {_EXPECTED}")
        if raw.upper() in self.extra or raw.upper() in _tables()[0] or USER_ASSIGNED.match(raw.upper()):
            return raw.upper()
        key = normalize_name(raw)
        if key in self._lookup:
            return self._lookup[key]
        lookup = _tables()[1]
        if key in lookup:
            return lookup[key]
        for near in (True, False):
            code = _translations(near).get(key)
            if code:
                return code
        candidates = {**lookup, **self._lookup}
        close = difflib.get_close_matches(key, list(candidates), n=3, cutoff=0.6)
        if close:
            picks: list[str] = []
            for c in close:
                code = candidates[c]
                label = f"{code} ({self.name(code)})"
                if label not in picks:
                    picks.append(label)
            hint = " — did you mean " + " or ".join(picks) + "?"
        else:
            hint = f" ({_EXPECTED})"
        raise UnknownParty(f"unknown party {raw!r}{hint}")


_ISO_ONLY = PartyNames()


def party_name(code: str) -> str:
    """The display name of a code in the ISO 3166 tables (the code itself when it has none)."""
    return _ISO_ONLY.name(code)


def resolve_party(text: str) -> str:
    """A code for what the user typed, from the ISO 3166 tables (see :meth:`PartyNames.resolve`)."""
    return _ISO_ONLY.resolve(text)
