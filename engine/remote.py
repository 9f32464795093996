"""Folders at a URL (an object store, or any file system fsspec knows): where ``timeline
compile`` writes for workers that share no disk, and where ``Timeline.load`` reads from.

Nothing here talks to a storage service itself: fsspec (a dependency of Dask, in the optional
extra ``dask``) does, with whatever implementation the URL's scheme names (``s3://`` needs
``s3fs``, ``gs://`` ``gcsfs``, ``abfs://`` ``adlfs``; ``memory://`` and ``file://`` are built in).
Files move whole between a URL and a local folder; DuckDB and numpy only ever see local files.
A compiled folder read from a URL is kept in a local cache, fetched again when its manifest
changes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..events.errors import TimelineError

__all__ = [
    "as_location",
    "download_file",
    "download_folder",
    "fetch_folder",
    "is_url",
    "join",
    "remove",
    "upload_folder",
]

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_MANGLED = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):/(?!/)")  # what pathlib makes of "s3://b/k": "s3:/b/k"
MISSING = (
    "a URL needs fsspec (and the package for its scheme, such as s3fs for s3://): "
    "pip install 'timeline-engine[dask]' (or pip install fsspec)"
)


def is_url(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` is a URL (``scheme://…``) rather than a local path."""
    return isinstance(location, str) and _URL.match(location) is not None


def as_location(path: str | os.PathLike[str]) -> str | Path:
    """A location as given on the command line: a URL stays text (a ``Path`` made of one, which
    keeps a single slash after the scheme, is read back as the URL), anything else is a path."""
    text = os.fspath(path)
    if is_url(text):
        return text
    m = _MANGLED.match(text)
    if m is None or Path(text).exists() or m.group(1) not in _protocols():
        return Path(text)
    rest = text[m.end() :]
    return f"file:///{rest.lstrip('/')}" if m.group(1) == "file" else f"{m.group(1)}://{rest}"


def _protocols() -> set[str]:
    try:
        from fsspec import available_protocols
    except ImportError:
        return set()
    return set(available_protocols())


def join(url: str, *parts: str) -> str:
    return "/".join([url.rstrip("/"), *parts])


def _fs(url: str) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise TimelineError(MISSING) from None
    try:
        return url_to_fs(url)
    except (ImportError, ValueError) as e:
        raise TimelineError(f"{url}: cannot open this URL ({e}); {MISSING}") from None


def exists(url: str) -> bool:
    fs, path = _fs(url)
    return bool(fs.exists(path))


def read_text(url: str) -> str:
    fs, path = _fs(url)
    with fs.open(path, "rb") as f:
        return f.read().decode("utf-8")


def write_text(url: str, text: str) -> None:
    fs, path = _fs(url)
    with fs.open(path, "wb") as f:
        f.write(text.encode("utf-8"))


def download_file(url: str, local: Path) -> None:
    fs, path = _fs(url)
    if not fs.isfile(path):
        raise TimelineError(f"{url}: no such file")
    fs.get_file(path, str(local))


def upload_folder(local: Path, url: str) -> None:
    """Every file under ``local`` to the same place under ``url``."""
    fs, root = _fs(url)
    for f in sorted(p for p in Path(local).rglob("*") if p.is_file()):
        rel = f.relative_to(local).as_posix()
        fs.makedirs(_parent(join(root, rel)), exist_ok=True)
        fs.put_file(str(f), join(root, rel))


def download_folder(url: str, local: Path) -> None:
    """Every file under ``url`` to the same place under ``local``."""
    fs, root = _fs(url)
    root = root.rstrip("/")
    for name in sorted(fs.find(root)):
        rel = name[len(root) :].lstrip("/")
        target = Path(local) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fs.get_file(name, str(target))


def move_folder(src: str, dst: str) -> None:
    """Every file under ``src`` to the same place under ``dst`` (a rename where the store has
    one, else a copy and a delete)."""
    fs, a = _fs(src)
    _, b = _fs(dst)
    a = a.rstrip("/")
    for name in sorted(fs.find(a)):
        target = join(b, name[len(a) :].lstrip("/"))
        fs.makedirs(_parent(target), exist_ok=True)
        fs.mv(name, target)
    remove(src)


def remove(url: str) -> None:
    """Remove ``url`` and everything under it (nothing if it is not there)."""
    fs, path = _fs(url)
    if fs.exists(path):
        fs.rm(path, recursive=True)


def fetch_folder(url: str, manifest: str) -> Path:
    """A local copy of the folder at ``url``, kept in the user's cache and fetched again when the
    text of its ``manifest`` file changes (an index made beside it locally is kept with it)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "timeline-engine" / "compiled"
    local = cache / hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]
    wanted = read_text(join(url, manifest))
    if (local / manifest).is_file() and (local / manifest).read_text(encoding="utf-8") == wanted:
        return local
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=local.name + ".", dir=cache))
    try:
        download_folder(url, tmp)
        shutil.rmtree(local, ignore_errors=True)
        tmp.rename(local)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return local


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else path
