"""The record rules of ``events.rules``, checked as columns over a log in DuckDB.

Which fields a kind needs or must not have, ids, slugs and codes, sources: the SQL is generated
from the rules' tables; texts held in the dictionary are checked once each, in Python. The first
rule a record breaks is reported (``record N``); ``timeline validate`` gives the exact message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb
import numpy as np

from ...events.errors import Problem
from ...events.parties import is_party_code
from ...events.rules import (
    FAMILIES,
    FAMILY_FIELDS,
    GRANTABLE,
    ID_PATTERN,
    REQUIRED_FIELDS,
    SLUG_PATTERN,
    SUBJECT_KINDS,
    SUBJECT_PATTERN,
)
from ..duck import one_row
from .codes import BODY, FAMILY, IS_COVERAGE, OFFICE, PARTY
from .columns import Columns

__all__ = ["check_records", "sql_list"]

SUBJECT_RE = re.compile(SUBJECT_PATTERN)
SLUG_RE = re.compile(SLUG_PATTERN)


def sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def check_records(con: duckdb.DuckDBPyConnection, cols: Columns, label: str, has_sources: bool) -> None:
    """The record rules of ``events.codec.event_from_record``, as columns: fields that a kind needs
    or must not have, ids, slugs and codes, sources. Texts held in the dictionary are checked once
    each, in Python; the rest in one SQL pass. The first rule a record breaks is reported
    (``record N``); the Python validator gives the exact message."""
    by_field: dict[str, list[str]] = {}
    for family, fields in FAMILY_FIELDS.items():
        for f in fields:
            by_field.setdefault(f, []).extend(FAMILIES[family])
    rules = [
        (f"{c} IS NOT NULL AND kind NOT IN ({sql_list(kinds)})", f"field {c!r} does not apply to this kind")
        for c, kinds in sorted(by_field.items())
    ]
    rules.append((f"id IS NULL OR NOT regexp_full_match(id, '{ID_PATTERN}')", "id is missing or not a slug"))
    # the fields each kind needs, kind by kind (dates are checked as they are read)
    for kind, needed in REQUIRED_FIELDS.items():
        required = [f for f in needed if f != "date"]
        if required:
            missing = " OR ".join(f"{f} IS NULL" for f in required)
            rules.append((f"kind = '{kind}' AND ({missing})", f"{kind} needs {' and '.join(required)}"))
    rules += [
        (
            f"subject_kind IS NOT NULL AND subject_kind NOT IN ({sql_list(SUBJECT_KINDS)})",
            f"subject_kind must be {' or '.join(SUBJECT_KINDS)}",
        ),
        (f"kind = 'granted' AND status NOT IN ({sql_list(GRANTABLE)})", "granted needs a grantable status"),
        ("kind <> 'granted' AND status IS NOT NULL", "status applies only to granted"),
        ("recorded IS NOT NULL AND TRY_CAST(recorded AS TIMESTAMPTZ) IS NULL", "recorded is not a date-time"),
        ("v IS NOT NULL AND CAST(v AS VARCHAR) <> '1'", "interchange version is not 1"),
        (
            " OR ".join(f"trim({c}) = ''" for c in ("name", "retracts", "corrects", "note", "recorded")),
            "a text field is empty",
        ),
    ]
    source_ok = (
        "len(sources) > 0 AND list_bool_and(list_transform(sources, lambda x: x.title IS NOT NULL "
        "AND trim(x.title) <> '' AND x.ref IS NOT NULL AND trim(x.ref) <> ''))"
    )
    if not has_sources:
        rules.append(("TRUE", "missing sources"))
    elif one_row(
        con, f"SELECT count(*) FROM (SELECT DISTINCT sources FROM bulk_log) WHERE sources IS NULL OR NOT ({source_ok})"
    )[0]:
        rules.append((f"sources IS NULL OR NOT ({source_ok})", "sources must be a non-empty list of {title, ref}"))
    case = "CASE " + " ".join(f"WHEN {cond} THEN '{msg.replace(chr(39), chr(39) * 2)}'" for cond, msg in rules) + " END"
    found = con.execute(
        f"SELECT seq, problem FROM (SELECT seq, {case} AS problem FROM bulk_log) "
        "WHERE problem IS NOT NULL ORDER BY seq LIMIT 100"
    ).fetchall()
    # texts in the dictionary: each distinct one checked once
    words = cols.words.tolist()
    n = len(words) + 1

    def flags(test) -> np.ndarray:
        return np.array([not test(w) for w in words] + [False], dtype=bool)

    not_code = flags(is_party_code)
    not_subject = flags(lambda w: SUBJECT_RE.fullmatch(w) is not None)
    not_slug = flags(lambda w: SLUG_RE.fullmatch(w) is not None)
    blank = flags(lambda w: w.strip() != "")
    fam = FAMILY[cols.kind]
    wrong = not_subject[cols.subject]
    wrong |= (fam == PARTY) & not_code[cols.thing]
    wrong |= not_code[cols.nationality]
    wrong |= ((fam == OFFICE) | (fam == BODY)) & not_slug[cols.thing]
    attested = IS_COVERAGE[cols.kind]
    not_parties = flags(lambda w: len(set(w.split())) == len(w.split()) > 0 and all(map(is_party_code, w.split())))
    wrong |= np.where(attested, not_parties[cols.predecessor], not_subject[cols.predecessor])
    wrong |= blank[cols.holder]
    assert len(not_code) == n
    found += [
        (int(i), "a subject id, party code, office or body slug is not valid") for i in np.flatnonzero(wrong)[:100]
    ]
    for seq, msg in sorted(found)[:100]:
        cols.record_problems.append(Problem(label, int(seq) + 1, msg))
