"""Exports that other tools read: GDELT 2.0 events, PLOVER JSON, and CSV / JSON lines / Parquet.

Design: one streaming reader and one writer per format.

* :mod:`.rows` runs one unbounded ``SELECT`` per export with ``yield_per`` (a server-side cursor on
  PostgreSQL), so an export of ten million events holds one batch in memory, never the table;
  filters (:class:`ExportFilter`: since / until / actor) are SQL ``WHERE`` clauses.
* :mod:`.gdelt` and :mod:`.plover` map event rows onto those formats (events only);
  :mod:`.tabular` writes any table (events, articles, mentions, quotes) as CSV with a header,
  JSON lines, or Parquet with a schema, evidence offsets included.

:func:`export` is the front door used by ``blocwatch export`` (:mod:`blocwatch.cli_export`).
The column mappings are documented in ``docs/exports.md``.
"""

from __future__ import annotations

from typing import IO, Any

from sqlalchemy import Engine

from blocwatch.export.gdelt import GDELT_COLUMNS, gdelt_row, write_gdelt
from blocwatch.export.plover import plover_record, write_plover
from blocwatch.export.rows import COLUMNS, TABLES, Column, ExportFilter, stream_rows
from blocwatch.export.tabular import arrow_schema, write_csv, write_jsonl, write_parquet

__all__ = [
    "COLUMNS",
    "EVENT_FORMATS",
    "FORMATS",
    "GDELT_COLUMNS",
    "TABLES",
    "Column",
    "ExportError",
    "ExportFilter",
    "arrow_schema",
    "export",
    "gdelt_row",
    "plover_record",
    "stream_rows",
]

FORMATS = ("gdelt", "plover", "csv", "parquet", "jsonl")
EVENT_FORMATS = frozenset({"gdelt", "plover"})  # formats that only describe events


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown format or table, wrong combination)."""


def export(
    source: Any,
    fmt: str,
    out: IO[bytes],
    *,
    table: str = "events",
    filters: ExportFilter | None = None,
    batch_size: int = 1000,
) -> int:
    """Stream ``table`` of ``source`` (a :class:`~blocwatch.store.Store` or an Engine) to ``out``
    in format ``fmt``; returns the number of records written.  ``out`` is not closed."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (want one of: {', '.join(FORMATS)})")
    if table not in TABLES:
        raise ExportError(f"unknown table {table!r} (want one of: {', '.join(TABLES)})")
    if fmt in EVENT_FORMATS and table != "events":
        raise ExportError(f"--format {fmt} describes events; it cannot export the {table} table")
    if filters and filters.since and filters.until and filters.until < filters.since:
        raise ExportError(f"--until {filters.until} is before --since {filters.since}")
    engine: Engine = getattr(source, "engine", source)
    rows = stream_rows(engine, table, filters, batch_size=batch_size)
    try:
        if fmt == "gdelt":
            return write_gdelt(rows, out)
        if fmt == "plover":
            return write_plover(rows, out)
        if fmt == "csv":
            return write_csv(rows, out, table)
        if fmt == "jsonl":
            return write_jsonl(rows, out, table)
        return write_parquet(rows, out, table)
    finally:
        rows.close()  # ends the query (and frees a server-side cursor) even if a writer failed
