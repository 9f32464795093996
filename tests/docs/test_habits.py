"""The habits run with the tests: ruff (lint and format) and mypy are clean.

mypy cannot find ``timeline_engine`` in the checkout, whose folders events/, engine/ and cli/
are mapped into the package only when it is installed (setup.py). So it checks the package
through a link farm: a folder ``timeline_engine/`` holding links to the package's own files
and to the three folders. .pre-commit-config.yaml runs the same checks before a commit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = "timeline_engine"
MYPY_CACHE = ROOT / ".mypy_cache"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)


def shown(done: subprocess.CompletedProcess[str]) -> str:
    return f"`{' '.join(done.args[2:])}` exited {done.returncode}:\n{done.stdout}{done.stderr}"


def link_farm(where: Path) -> Path:
    """A folder in which ``timeline_engine`` is laid out as it is installed, by symlinks."""
    package = where / PACKAGE
    package.mkdir(parents=True)
    for name in ("__init__.py", "__main__.py", "py.typed"):
        (package / name).symlink_to(ROOT / PACKAGE / name)
    for folder in ("events", "engine", "cli"):
        (package / folder).symlink_to(ROOT / folder, target_is_directory=True)
    return where


def test_ruff_finds_nothing_to_lint():
    done = run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, shown(done)


def test_ruff_finds_nothing_to_reformat():
    done = run("ruff", "format", "--check", "--no-cache", ".")
    assert done.returncode == 0, shown(done)


def test_the_link_farm_lays_out_the_package_as_installed(tmp_path):
    farm = link_farm(tmp_path / "farm")
    assert (farm / PACKAGE / "engine" / "timeline.py").read_bytes() == (ROOT / "engine" / "timeline.py").read_bytes()
    assert (farm / PACKAGE / "events" / "catalog" / "csto.tl").is_file()
    assert sorted(p.name for p in (farm / PACKAGE).iterdir()) == [
        "__init__.py",
        "__main__.py",
        "cli",
        "engine",
        "events",
        "py.typed",
    ]


def test_mypy_finds_no_type_errors_in_the_package(tmp_path):
    # mypy's own incremental cache, kept in the checkout (.mypy_cache/ is ignored by git): a cold
    # run checks the package and every library it imports (about 30 s of CPU), a warm one only
    # what changed (about 1 s). mypy checks each cached file against its source's hash, so a
    # cache made through another link farm (another tmp_path) is reused and never stale.
    farm = link_farm(tmp_path / "farm")
    env = {**os.environ, "MYPYPATH": str(farm)}
    done = run(
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(MYPY_CACHE),
        "-p",
        PACKAGE,
        env=env,
    )
    assert done.returncode == 0, shown(done)
    assert "Success: no issues found" in done.stdout, shown(done)
