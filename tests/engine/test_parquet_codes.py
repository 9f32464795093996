"""The Parquet export carries the fold's columns: loading them as they are folds to exactly what
the interchange columns fold to, and a file whose codes do not match is read from its texts."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from tests.strategies import event_records, to_events
from timeline_engine.engine.exports import export_events, read_parquet
from timeline_engine.engine.fold import fold, from_events
from timeline_engine.engine.fold.duck import load_parquet
from timeline_engine.engine.fold.parquet_codes import CODE_COLUMNS, FOLD_KEY, load_coded


@pytest.fixture(scope="module")
def catalog_events(catalog):
    return list(catalog.log())


HALF = settings(max_examples=max(20, settings().max_examples // 2), suppress_health_check=[HealthCheck.too_slow])


def _spells(folded):
    s, c = folded.spells, folded.columns
    words, whens = np.append(c.words, None), np.append(c.whens, None)
    rows = zip(
        s.family.tolist(),
        words[s.subject].tolist(),
        words[s.thing].tolist(),
        s.value.tolist() if s.family.size == 0 else [words[v] if f != 1 else v for f, v in zip(s.family, s.value)],
        whens[c.when[s.event]].tolist(),
        s.event.tolist(),
        s.possible_from.tolist(),
        s.certain_from.tolist(),
        s.certain_to.tolist(),
        s.possible_to.tolist(),
    )
    return sorted(rows, key=repr), [(p.line, p.event_id, p.message) for p in folded.problems]


def _coded(path):
    con = duckdb.connect()
    names = [r[0] for r in con.execute(f"DESCRIBE FROM '{path}'").fetchall()]
    return load_coded(con, str(path), str(path), names)


def _texts_only(path, out):
    keep = f"* EXCLUDE ({', '.join(CODE_COLUMNS)})"
    duckdb.connect().execute(f"COPY (SELECT {keep} FROM read_parquet('{path}')) TO '{out}' (FORMAT parquet)")


@HALF
@given(event_records())
def test_the_fold_columns_of_an_export_fold_as_its_texts_do(tmp_path_factory, records):
    tmp = tmp_path_factory.mktemp("codes")
    events = to_events(records)
    path, texts = tmp / "log.parquet", tmp / "texts.parquet"
    export_events(events, "parquet", path)
    _texts_only(path, texts)
    assert _coded(path) is not None
    coded = fold(load_parquet(path))
    assert _spells(coded) == _spells(fold(load_parquet(texts)))
    assert _spells(coded)[0] == _spells(fold(from_events(events)))[0]


def test_an_export_reads_back_to_the_same_events_with_its_fold_columns(tmp_path, catalog_events):
    path = tmp_path / "log.parquet"
    export_events(catalog_events, "parquet", path)
    assert set(CODE_COLUMNS) <= {r[0] for r in duckdb.connect().execute(f"DESCRIBE FROM '{path}'").fetchall()}
    problems: list = []
    assert read_parquet(path, problems) == list(catalog_events)
    assert problems == []


def test_codes_that_do_not_match_the_rows_are_not_taken(tmp_path, catalog_events):
    path, cut = tmp_path / "log.parquet", tmp_path / "cut.parquet"
    export_events(catalog_events, "parquet", path)
    # another tool keeps the columns and the metadata but drops rows: the codes no longer fit
    con = duckdb.connect()
    (meta,) = con.execute(
        "SELECT value FROM parquet_kv_metadata(?) WHERE key = ?", [str(path), FOLD_KEY.encode()]
    ).fetchone()
    text = bytes(meta).decode().replace("'", "''")
    con.execute(
        f"COPY (SELECT * FROM read_parquet('{path}') WHERE kind <> 'joined') TO '{cut}' "
        f"(FORMAT parquet, KV_METADATA {{'{FOLD_KEY}': '{text}'}})"
    )
    assert _coded(path) is not None and _coded(cut) is None
    kept = [e for e in catalog_events if e.kind != "joined"]
    assert _spells(fold(load_parquet(cut)))[0] == _spells(fold(from_events(kept)))[0]
