"""The sources behind events, as answers cite them."""

from __future__ import annotations

from collections.abc import Sequence

from ..events.model import Entry

__all__ = ["cite"]


def cite(events: Sequence[Entry]) -> tuple[dict, ...]:
    """The sources of these events, each once: ``{"ref", "title"}`` and ``url`` where known."""
    out: dict[tuple[str, str], dict] = {}
    for e in events:
        for src in e.sources:
            row = {"ref": src.ref, "title": src.title}
            if src.url:
                row["url"] = src.url
            out.setdefault((src.ref, src.title), row)
    return tuple(out.values())
