"""What people call a subject: its id in any case, its names as its founding and renaming events
give them (both spellings of Organisation/Organization), and the abbreviations and official
names in other languages that the seeds and readers use."""

from __future__ import annotations

from ..events.parties import normalize_name as _norm

__all__ = ["subject_lookup"]

# Names people write besides a subject's own: transliterated and native abbreviations, official names in
# Russian and Chinese (the CSTO's and the SCO's working languages), and the spellings the seeds use.
_ALIASES = {
    "ODKB": "CSTO",
    "CSCE": "OSCE",
    "SHOS": "SCO",
    "KSTO": "CSTO",
    "DKB": "CST",
    # Russian
    "ОДКБ": "CSTO",
    "Организация Договора о коллективной безопасности": "CSTO",
    "ДКБ": "CST",
    "Договор о коллективной безопасности": "CST",
    "Ташкентский договор": "CST",
    "ШОС": "SCO",
    "Шанхайская организация сотрудничества": "SCO",
    "ОБСЕ": "OSCE",
    "Организация по безопасности и сотрудничеству в Европе": "OSCE",
    "СБСЕ": "OSCE",
    "Совещание по безопасности и сотрудничеству в Европе": "OSCE",
    # Chinese
    "上海合作组织": "SCO",
    "上海合作組織": "SCO",
    "上合组织": "SCO",
    "集体安全条约组织": "CSTO",
    "集體安全條約組織": "CSTO",
    "集体安全条约": "CST",
    "欧洲安全与合作组织": "OSCE",
    "欧安组织": "OSCE",
    # English, as the seeds and others write them
    "Tashkent Treaty": "CST",
    "Organization for Cooperation and Security in Europe": "OSCE",
    "Convention on the Rights of the Children": "CRC",
    "Optional Protocol of the Convention against Torture": "OP-CAT",
    "Commonwealth of Independent States Convention on Human Rights and Fundamental Freedoms": "CIS-HRC",
}


def _spellings(key: str) -> set[str]:
    """A normalised name in both spellings, Organisation and Organization (Co-operation and Cooperation)."""
    out = {key}
    for a, b in (("organisation", "organization"), ("co operation", "cooperation")):
        out |= {k.replace(a, b) for k in out} | {k.replace(b, a) for k in out}
    return out


def subject_lookup(ids, names) -> dict[str, str]:
    """Normalised id, name or alias -> subject id, from the subject ids and (id, name) pairs."""
    lookup = {_norm(sid): sid for sid in ids}
    for sid, name in names:
        if name:
            for key in sorted(_spellings(_norm(name))):
                lookup.setdefault(key, sid)
    for alias, sid in _ALIASES.items():
        if sid in ids:
            for key in sorted(_spellings(_norm(alias))):
                lookup.setdefault(key, sid)
    return lookup
