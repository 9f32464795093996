"""Timeline Engine: the history of international organizations and treaties, replayed from
dated, sourced events.

The code lives in three subpackages, whose arrows point one way:

* :mod:`timeline_engine.events` — what an event is, the rules, dates, parties, file formats
  and the bundled catalog;
* :mod:`timeline_engine.engine` — replay, queries, the DuckDB store, aggregates, charts and
  the outside data sets;
* :mod:`timeline_engine.cli` — the ``timeline`` command.

>>> from timeline_engine.engine import Timeline
>>> Timeline.load().members("CSTO", on="2005").parties
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("timeline-engine")
except PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
