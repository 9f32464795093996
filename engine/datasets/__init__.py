"""Importers of public data sets as events, and the exporter back to the COW panel.

* :func:`import_cow_igo_year` — the Correlates of War IGO-year panel (v3) as events, with
  the panel record (:class:`CowPanel`) a store keeps beside them;
* :func:`export_cow_igo_year` / :func:`write_cow_igo_year` — the panel back from the events;
* :func:`un_status_events` / :func:`read_un_status` — the UN human-rights treaty status tables;
* :func:`read_wikidata` / :func:`wikidata_events` — memberships (P463) and offices (P39) from a
  Wikidata SPARQL query's JSON results (the query is :data:`WIKIDATA_QUERY`).
"""

from .cow import CowImport, cow_subject_id, import_cow_igo_year
from .cow_events import window_text
from .cow_export import CowExportError, export_cow_igo_year, write_cow_igo_year
from .cow_panel import CowPanel, ImputedRow, MissingRun, PanelRow
from .cow_states import CowDataError, StateSystem
from .un_status import (
    UnStatusError,
    UnStatusImport,
    read_un_status,
    read_un_status_folder,
    treaty_id,
    un_status_events,
)
from .wikidata import WikidataImport, read_wikidata, wikidata_events
from .wikidata_statements import WIKIDATA_QUERY, WikidataError

__all__ = [
    "WIKIDATA_QUERY",
    "CowDataError",
    "CowExportError",
    "CowImport",
    "CowPanel",
    "ImputedRow",
    "MissingRun",
    "PanelRow",
    "StateSystem",
    "UnStatusError",
    "UnStatusImport",
    "WikidataError",
    "WikidataImport",
    "cow_subject_id",
    "export_cow_igo_year",
    "import_cow_igo_year",
    "read_un_status",
    "read_un_status_folder",
    "read_wikidata",
    "treaty_id",
    "un_status_events",
    "wikidata_events",
    "window_text",
    "write_cow_igo_year",
]
