"""Small typed helpers over DuckDB results."""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["one_row"]


def one_row(con: duckdb.DuckDBPyConnection, query: str, params: object = None) -> tuple[Any, ...]:
    """The single row of a query that always returns one (an aggregate, an ``UPDATE`` count)."""
    rows = con.execute(query, params).fetchall()  # fetched to the end: no result is left open
    if len(rows) != 1:
        raise AssertionError(f"expected one row from: {query}")
    return rows[0]
