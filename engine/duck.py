"""Small typed helpers over DuckDB results."""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["one_row"]


def one_row(con: duckdb.DuckDBPyConnection, query: str, params: object = None) -> tuple[Any, ...]:
    """The single row of a query that always returns one (an aggregate, an ``UPDATE`` count)."""
    row = con.execute(query, params).fetchone()
    if row is None:
        raise AssertionError(f"expected one row from: {query}")
    return row
