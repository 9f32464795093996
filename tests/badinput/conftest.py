"""A store holding the bundled catalog (made once, copied for each test), and bad files beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.badinput.helpers import invoke


@pytest.fixture(scope="session")
def catalog_jsonl(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("catalog") / "catalog.jsonl"
    result = invoke("export", "--to", "jsonl", "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def catalog_store_template(tmp_path_factory, catalog_jsonl) -> Path:
    path = tmp_path_factory.mktemp("template") / "catalog.duckdb"
    assert invoke("init", "--store", path).exit_code == 0
    result = invoke("import", catalog_jsonl, "--store", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def store(tmp_path, catalog_store_template) -> Path:
    """A store of this test's own that already holds the catalog (a first import)."""
    path = tmp_path / "store.duckdb"
    shutil.copyfile(catalog_store_template, path)
    return path
