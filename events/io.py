"""Reading event files (JSON lines, catalog ``.tl``, CSV) and folders of them, and the
bundled catalog. Every problem is collected with its file and line; nothing is skipped
silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from .catalog_format import read_catalog
from .codec import read_jsonl
from .csvio import read_csv
from .errors import Problem, TimelineError, ValidationFailed
from .model import Entry

__all__ = ["EVENT_SUFFIXES", "catalog_paths", "load_events", "read_file", "read_paths", "read_text_lines"]

EVENT_SUFFIXES = (".jsonl", ".ndjson", ".json", ".tl", ".csv")


def read_text_lines(path: Path, label: str) -> list[str]:
    """The lines of a UTF-8 text file, or a ``TimelineError`` saying why not."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TimelineError(f"{label}: file not found") from None
    except IsADirectoryError:
        raise TimelineError(f"{label}: is a folder, expected a file") from None
    except PermissionError:
        raise TimelineError(f"{label}: permission denied") from None
    except OSError as e:
        raise TimelineError(f"{label}: cannot read ({e.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise TimelineError(
            f"{label}:{line}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.splitlines()


def read_file(path: Path, problems: list[Problem], label: str | None = None) -> list[Entry]:
    """Events of one file; its format is chosen by its suffix."""
    label = label or str(path)
    suffix = path.suffix.lower()
    if suffix not in EVENT_SUFFIXES:
        problems.append(
            Problem(label, 0, f"unknown file type {suffix or '(none)'!r} (expected {', '.join(EVENT_SUFFIXES)})")
        )
        return []
    try:
        lines = read_text_lines(path, label)
    except TimelineError as e:
        text = str(e)
        rest = text[len(label) + 1 :] if text.startswith(label + ":") else text
        line, _, msg = rest.partition(": ")
        if line.isdigit():
            problems.append(Problem(label, int(line), msg))
        else:
            problems.append(Problem(label, 0, rest.strip()))
        return []
    if not any(line.strip() for line in lines):
        problems.append(Problem(label, 0, "empty file: no events in it"))
        return []
    before = len(problems)
    if suffix == ".tl":
        events = list(read_catalog(lines, label, problems))
    elif suffix == ".csv":
        events = list(read_csv(lines, label, problems))
    else:
        events = list(read_jsonl(lines, label, problems))
    if not events and len(problems) == before:
        problems.append(Problem(label, 0, "no events in it"))
    return events


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EVENT_SUFFIXES)
        return found
    return [path]


def read_paths(paths: Iterable[str | os.PathLike], problems: list[Problem]) -> list[Entry]:
    """Events of files and folders (a folder: every event file in it, in name order)."""
    events: list[Entry] = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            problems.append(Problem(str(p), 0, "file not found"))
            continue
        files = _expand(path)
        if path.is_dir() and not files:
            problems.append(Problem(str(p), 0, f"folder holds no event files ({', '.join(EVENT_SUFFIXES)})"))
        for f in files:
            events.extend(read_file(f, problems))
    return events


def load_events(paths: Iterable[str | os.PathLike]) -> list[Entry]:
    """Events of files and folders, or ``ValidationFailed`` listing every problem."""
    problems: list[Problem] = []
    events = read_paths(paths, problems)
    if problems:
        raise ValidationFailed(problems)
    return events


def catalog_paths() -> list[Path]:
    """The bundled catalog's files, in name order."""
    root = resources.files(__package__) / "catalog"
    return sorted(Path(str(p)) for p in root.iterdir() if str(p).endswith(".tl"))
