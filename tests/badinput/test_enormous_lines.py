"""One enormous line: a clear, short error (not the line echoed back), and the store unchanged."""

from __future__ import annotations

import json

import pytest

from tests.badinput.helpers import FOUNDED, assert_clear_error, assert_shape, exported, invoke, tables

MB = 1024 * 1024


def _write(path, *lines: str):
    with path.open("w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
    return path


@pytest.mark.parametrize(
    "line, shape",
    [
        pytest.param(
            lambda: "x" * (50 * MB), "error: <file>:2: not valid JSON (Expecting value)", id="50-MB-of-garbage"
        ),
        pytest.param(
            lambda: '{"id": "' + "a" * (50 * MB),
            "error: <file>:2: not valid JSON (Unterminated string starting at)",
            id="50-MB-unterminated-string",
        ),
    ],
)
def test_a_50_mb_line_that_is_not_json_is_refused_in_one_short_line(store, tmp_path, line, shape):
    path = _write(tmp_path / "enormous.jsonl", json.dumps(FOUNDED), line())
    before = tables(store)
    assert_shape(assert_clear_error(invoke("import", path, "--store", store)), shape, file=str(path))
    assert tables(store) == before
    path.unlink()  # 50 MB that pytest would otherwise keep with its last three runs


def test_an_enormous_id_is_refused_without_echoing_it(store, tmp_path):
    path = _write(tmp_path / "long-id.jsonl", json.dumps({**FOUNDED, "id": "a b" * MB}))
    before = tables(store)
    assert_shape(
        assert_clear_error(invoke("import", path, "--store", store)),
        "error: <file>:1: id <…> must be a slug: letters, digits and . _ : ~ + - (no spaces)",
        file=str(path),
    )
    assert tables(store) == before


def test_an_enormous_kind_is_refused_without_echoing_it(store, tmp_path):
    path = _write(tmp_path / "long-kind.jsonl", json.dumps({**FOUNDED, "kind": "k" * MB}))
    before = tables(store)
    assert_shape(
        assert_clear_error(invoke("import", path, "--store", store)),
        "error: <file>:1: event x-founded: unknown kind <…>",
        file=str(path),
    )
    assert tables(store) == before


def test_a_valid_event_with_a_20_mb_note_is_stored_whole_or_refused_in_one_clear_line(store, tmp_path):
    note = "n" * (20 * MB)
    path = _write(tmp_path / "long-note.jsonl", json.dumps({**FOUNDED, "note": note}))
    before = tables(store)
    result = invoke("import", path, "--store", store)
    if result.exit_code == 0:
        assert json.loads(exported(store).splitlines()[-1])["note"] == note
    else:
        assert_clear_error(result, f"{path}:1: event x-founded:")
        assert tables(store) == before
