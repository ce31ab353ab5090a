"""Table exports: CSV (with a header), JSON lines and Parquet (with a schema), for any table.

All three write the columns of :data:`blocwatch.export.rows.COLUMNS` in that order, so a file
of one format can be checked against another.  Values are rendered per column kind:

=========  ======================  ==================  =============================
kind       CSV                     JSON lines          Parquet
=========  ======================  ==================  =============================
int/float  decimal                 number              int64 / float64
bool       ``true`` / ``false``    true / false        bool
date       ``YYYY-MM-DD``          "YYYY-MM-DD"        date32
datetime   ISO 8601, UTC offset    ISO 8601 string     timestamp[us, tz=UTC]
list       JSON array              array               list<string>
missing    empty cell              null                null
=========  ======================  ==================  =============================

CSV follows RFC 4180 (``csv`` module, minimal quoting, ``\\r\\n`` rows) and is UTF-8 without a
BOM.  Parquet is written one row group per ``row_group_rows`` rows through
``pyarrow.parquet.ParquetWriter``, so memory stays at one row group; the writer never seeks,
so it can write to a pipe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import IO, Any

from blocwatch.export.rows import COLUMNS, Column

__all__ = ["write_csv", "write_jsonl", "write_parquet"]

ROW_GROUP_ROWS = 10_000


def _columns(table: str) -> tuple[Column, ...]:
    if table not in COLUMNS:
        raise ValueError(f"unknown table {table!r}")
    return COLUMNS[table]


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "list":
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


class _Text:
    """A UTF-8 text view of a binary stream that leaves the stream open when done."""

    def __init__(self, out: IO[bytes]) -> None:
        self.wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)

    def __enter__(self) -> io.TextIOWrapper:
        return self.wrapper

    def __exit__(self, *exc: object) -> None:
        self.wrapper.flush()
        self.wrapper.detach()  # the caller owns ``out``: do not close it


def write_csv(rows: Iterable[dict[str, Any]], out: IO[bytes], table: str) -> int:
    """CSV with a header row; returns the number of data rows."""
    columns = _columns(table)
    count = 0
    with _Text(out) as text:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([c.name for c in columns])
        for row in rows:
            writer.writerow([_csv_value(row.get(c.name), c.kind) for c in columns])
            count += 1
    return count


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[bytes], table: str) -> int:
    """One JSON object a line, keys in column order; returns the number of rows."""
    columns = _columns(table)
    count = 0
    with _Text(out) as text:
        for row in rows:
            record = {c.name: _json_value(row.get(c.name)) for c in columns}
            text.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def arrow_schema(table: str) -> Any:
    """The pyarrow schema of ``table``'s Parquet export."""
    import pyarrow as pa

    types = {
        "int": pa.int64(),
        "float": pa.float64(),
        "str": pa.string(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
        "list": pa.list_(pa.string()),
    }
    return pa.schema([pa.field(c.name, types[c.kind]) for c in _columns(table)])


def write_parquet(
    rows: Iterable[dict[str, Any]], out: IO[bytes], table: str, *, row_group_rows: int = ROW_GROUP_ROWS
) -> int:
    """Parquet (zstd), one row group per ``row_group_rows`` rows; returns the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns, schema = _columns(table), arrow_schema(table)
    sink = pa.PythonFile(out, mode="w")
    count = 0
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        batch: dict[str, list[Any]] = {c.name: [] for c in columns}
        pending = 0

        def flush() -> None:
            writer.write_table(pa.table(batch, schema=schema), row_group_size=max(pending, 1))
            for values in batch.values():
                values.clear()

        for row in rows:
            for c in columns:
                value = row.get(c.name)
                batch[c.name].append(list(value) if c.kind == "list" and value is not None else value)
            pending += 1
            count += 1
            if pending >= row_group_rows:
                flush()
                pending = 0
        if pending or count == 0:
            flush()  # an empty export still gets its schema
    return count
