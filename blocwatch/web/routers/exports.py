"""Streaming exports over HTTP: ``/exports/{table}.csv|.parquet|.jsonl``, and the ``/exports`` index.

The bytes are exactly those of ``blocwatch export --format F --table T`` (the same
:func:`blocwatch.export.export`, the same streaming row generator, the same writers), with the
same ``since`` / ``until`` / ``actor`` filters, and no cap on rows.

The writers push bytes into a file object; an HTTP response pulls them.  The export therefore
runs in its own thread and writes into a :class:`QueueSink`, which hands chunks of about
:data:`CHUNK_BYTES` to the response through a queue of :data:`QUEUE_CHUNKS` slots.  The queue is
bounded, so a slow client slows the export down instead of piling rows up in memory: memory
stays at one database batch + one Parquet row group + a few chunks, whatever the table's size.
When the response ends without reading everything (the client went away), the sink refuses
further writes and the export thread stops (its query's cursor is closed by the export's own ``finally``).

Errors found before the first byte (unknown table, ``until`` before ``since``) are answered with
a status code; a database failure mid-stream can only cut the response short, so it is logged.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from collections.abc import Iterator
from datetime import date
from typing import IO, Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from blocwatch.export import TABLES, ExportFilter, export
from blocwatch.web.render import render

router = APIRouter(tags=["exports"])
log = logging.getLogger(__name__)

__all__ = ["QueueSink", "router"]

CHUNK_BYTES = 64 * 1024
QUEUE_CHUNKS = 8
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "CSV with a header row (RFC 4180, UTF-8)"),
    "jsonl": ("application/x-ndjson", "JSON lines, one record a line"),
    "parquet": ("application/vnd.apache.parquet", "Parquet (zstd) with a typed schema"),
}
_DONE = object()


class _Cancelled(Exception):
    """The client went away: stop writing."""


class QueueSink(io.RawIOBase):
    """A write-only binary stream whose bytes come out of :meth:`chunks`, in bounded memory."""

    def __init__(self, chunk_bytes: int = CHUNK_BYTES, slots: int = QUEUE_CHUNKS) -> None:
        super().__init__()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=slots)
        self._buffer = bytearray()
        self._chunk = chunk_bytes
        self._position = 0
        self.cancelled = threading.Event()

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position  # pyarrow asks where it is; the stream never seeks

    def write(self, data: Any) -> int:
        if self.cancelled.is_set():
            raise _Cancelled()
        view = bytes(data)
        self._buffer += view
        self._position += len(view)
        if len(self._buffer) >= self._chunk:
            self._put(bytes(self._buffer))
            self._buffer.clear()
        return len(view)

    def _put(self, item: Any) -> None:
        while True:  # wait for room, but notice a cancellation while waiting
            if self.cancelled.is_set():
                raise _Cancelled()
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def finish(self, error: BaseException | None = None) -> None:
        """Called by the writer thread at the end: flush what is left, then the end marker."""
        try:
            if error is None and self._buffer:
                self._put(bytes(self._buffer))
            self._buffer.clear()
            self._put(error if error is not None else _DONE)
        except _Cancelled:
            pass

    def chunks(self) -> Iterator[bytes]:
        """The bytes as they are written; cancels the writer if the consumer stops early."""
        try:
            while True:
                item = self._queue.get()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.cancelled.set()


class _ExportResponse(StreamingResponse):
    """A streamed export that stops its writer thread however the response ends.

    Closing the chunk iterator is left to the garbage collector when a client disconnects, so
    the cancellation is tied to the end of the ASGI call instead: done, failed or abandoned."""

    def __init__(self, sink: QueueSink, **kwargs: Any) -> None:
        super().__init__(sink.chunks(), **kwargs)
        self.sink = sink

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.sink.cancelled.set()


def _stream(store: Any, fmt: str, table: str, filters: ExportFilter) -> QueueSink:
    sink = QueueSink()

    def run() -> None:
        try:
            # A RawIOBase is a binary file object; IO[bytes] is only its typing protocol.
            export(store, fmt, cast(IO[bytes], sink), table=table, filters=filters)
        except _Cancelled:
            sink.finish()
        except Exception as exc:  # the response is already under way: cut it short and log why
            log.exception("export of %s as %s failed", table, fmt)
            sink.finish(exc)
        else:
            sink.finish()

    threading.Thread(target=run, name=f"export-{table}-{fmt}", daemon=True).start()
    return sink


def _filters(since: date | None, until: date | None, actor: str | None) -> ExportFilter:
    if since and until and until < since:
        raise HTTPException(status_code=422, detail=f"until {until} is before since {since}.")
    return ExportFilter(since=since, until=until, actor=actor or None)


def _export_response(request: Request, table: str, fmt: str, filters: ExportFilter) -> Response:
    if table not in TABLES:
        raise HTTPException(status_code=404,
                            detail=f"No table {table!r} to export (want one of: {', '.join(TABLES)}).")
    media_type, _ = FORMATS[fmt]
    return _ExportResponse(
        _stream(request.app.state.store, fmt, table, filters),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="blocwatch-{table}.{fmt}"'},
    )


SinceQ = Query(None, description="First day to export (YYYY-MM-DD), inclusive.")
UntilQ = Query(None, description="Last day to export (YYYY-MM-DD), inclusive.")
ActorQ = Query(None, description="Only rows about this actor id (e.g. PRK, BRICS).")
_DESCRIPTION = ("Streams every row of the table (events, articles, mentions, quotes) without caps, "
                "in constant memory; same columns as `blocwatch export` (docs/exports.md).")


@router.get("/exports/{table}.csv", name="export_csv", summary="Export a table as CSV (streamed)",
            description=_DESCRIPTION, response_class=StreamingResponse)
def export_csv(request: Request, table: str, since: date | None = SinceQ, until: date | None = UntilQ,
               actor: str | None = ActorQ) -> Response:
    return _export_response(request, table, "csv", _filters(since, until, actor))


@router.get("/exports/{table}.jsonl", name="export_jsonl", summary="Export a table as JSON lines (streamed)",
            description=_DESCRIPTION, response_class=StreamingResponse)
def export_jsonl(request: Request, table: str, since: date | None = SinceQ, until: date | None = UntilQ,
                 actor: str | None = ActorQ) -> Response:
    return _export_response(request, table, "jsonl", _filters(since, until, actor))


@router.get("/exports/{table}.parquet", name="export_parquet", summary="Export a table as Parquet (streamed)",
            description=_DESCRIPTION, response_class=StreamingResponse)
def export_parquet(request: Request, table: str, since: date | None = SinceQ, until: date | None = UntilQ,
                   actor: str | None = ActorQ) -> Response:
    return _export_response(request, table, "parquet", _filters(since, until, actor))


def exports_data(
    since: date | None = None, until: date | None = None, actor: str | None = None
) -> dict[str, Any]:
    """The index: one link per table and format, carrying the filters given."""
    params = {k: str(v) for k, v in (("since", since), ("until", until), ("actor", actor)) if v}
    suffix = f"?{urlencode(params)}" if params else ""
    return {
        "filters": params,
        "formats": [{"format": f, "media_type": m, "description": d} for f, (m, d) in FORMATS.items()],
        "tables": [
            {"table": t, "links": {f: f"/exports/{t}.{f}{suffix}" for f in FORMATS}} for t in TABLES
        ],
    }


def _index(
    request: Request, since: date | None, until: date | None, actor: str | None, json_suffix: bool
) -> Response:
    _filters(since, until, actor)
    return render(request, "exports.html", exports_data(since, until, actor or None), json_suffix=json_suffix)


@router.get("/exports.json", name="exports_json", summary="The export links as JSON")
def exports_json(request: Request, since: date | None = SinceQ, until: date | None = UntilQ,
                 actor: str | None = ActorQ) -> Response:
    return _index(request, since, until, actor, json_suffix=True)


@router.get("/exports", name="exports", summary="Download the data: streamed CSV, JSON lines, Parquet")
def exports_index(request: Request, since: date | None = SinceQ, until: date | None = UntilQ,
                  actor: str | None = ActorQ) -> Response:
    return _index(request, since, until, actor, json_suffix=False)
