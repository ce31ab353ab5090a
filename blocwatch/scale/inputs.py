"""Backfill inputs split into records, so the work spreads over partitions.

The driver turns paths into :class:`RecordRef` s with :func:`split_inputs`; the workers turn
each ref back into an Article or an IngestError with :func:`read_ref`.  A ref is small (a path
and a byte range), so the driver never holds article bodies and a cluster only needs the
inputs on a shared file system:

* a **WARC** (``.warc``, ``.warc.gz`` or WARC by its first bytes) is indexed once, without
  reading bodies or HTTP headers, into one ref per ``response``/``resource`` record at its byte
  offset (a gzip member offset in a ``.warc.gz``).  The worker seeks there and extracts that
  record with the same code as ``blocwatch ingest`` (:mod:`blocwatch.ingest.warc`), so names
  (``<path>@<offset>``), skips and errors are the same.  Damage found while indexing (a corrupt
  or truncated file) becomes an error ref after the records that could be read;
* an uncompressed **JSON-lines** file gives one ref per non-blank line (its offset and length),
  found by the line reader of ingest (constant memory, an overlong line never held); the worker
  parses it with ingest's per-line code (``<path>:<line>``).  A gzipped JSON-lines file (gzip
  cannot be entered at an offset) is one whole-file ref, which the worker streams as ``ingest``
  does; a ``.json`` document (one object or an array) is one whole-file ref read whole, capped;
* any other file (HTML, text) is one whole-file ref read by :func:`blocwatch.ingest.files.read_file`.

Directories are walked as ``blocwatch ingest`` walks them (sorted, hidden entries skipped,
known suffixes only).  URLs are refused with an error ref: a backfill reads archives on disk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from blocwatch.ingest.errors import IngestError
from blocwatch.ingest.files import SUFFIXES, read_file
from blocwatch.ingest.jsonl import iter_lines, parse_line
from blocwatch.records import Article
from blocwatch.settings import Settings

__all__ = ["RecordRef", "read_ref", "split_inputs"]


@dataclass(frozen=True, slots=True)
class RecordRef:
    """One unit of backfill work; ``kind`` is warc | jsonl | file | error."""

    kind: str
    path: str
    offset: int = 0
    length: int = 0
    line: int | None = None
    problem: str = ""  # kind "error": what went wrong while splitting
    # Bytes of the record's content: the driver's estimate of its work, by which partitions are
    # balanced (analysis time is close to linear in it, see blocwatch.scale.plan).
    size: int = 0


def split_inputs(inputs: Sequence[str], settings: Settings) -> Iterator[RecordRef]:
    """The records of ``inputs`` in the order ``blocwatch ingest`` would read them."""
    for item in inputs:
        scheme = urlsplit(item).scheme.lower()
        if len(scheme) > 1 and "://" in item:
            yield RecordRef("error", item, problem="backfill reads files and directories, not URLs")
            continue
        # Absolute: executors on other machines (or in other working directories) read the refs.
        path = Path(item).absolute()
        if path.is_dir():
            found = False
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith(".") for p in relative) and _kind(child):
                    found = True
                    yield from _split_file(child, settings)
            if not found:
                problem = "directory holds no .html, .txt, .jsonl, .json or .warc files"
                yield RecordRef("error", str(path), problem=problem)
        elif path.is_file():
            yield from _split_file(path, settings)
        else:
            problem = "not a regular file or directory" if path.exists() else "no such file or directory"
            yield RecordRef("error", str(path), problem=problem)


def _kind(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return SUFFIXES.get(suffixes[-1]) if suffixes else None


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError:
        return b""  # read_file reports the error when the whole-file ref is read


def _split_file(path: Path, settings: Settings) -> Iterator[RecordRef]:
    from blocwatch.ingest.warc import is_warc

    head = _head(path)
    if _kind(path) == "warc" or is_warc(head):
        yield from _split_warc(path)
    elif _kind(path) == "json" and path.suffix.lower() in (".jsonl", ".ndjson") and not head.startswith(
        b"\x1f\x8b"
    ):
        yield from _split_jsonl(path, settings)
    else:
        yield RecordRef("file", str(path), size=_size(path))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_file reports the error when the ref is read


def _split_warc(path: Path) -> Iterator[RecordRef]:
    """One ref per response/resource record; mirrors the checks of ``read_warc``."""
    from fastwarc import ArchiveIterator, WarcRecordType

    # Private helper reused on purpose: the truncation check must be the one ingest applies.
    from blocwatch.ingest.warc import _gzip_tail_problem

    name, wanted = str(path), (WarcRecordType.response, WarcRecordType.resource)
    records, last_pos = 0, -1
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield RecordRef("error", name, problem=f"cannot read: {exc.strerror or exc}")
        return
    with stream:
        gzipped = stream.read(2) == b"\x1f\x8b"
        stream.seek(0)
        try:
            iterator: Any = ArchiveIterator(stream, parse_http=False)  # headers only: cheap
            for record in iterator:
                records, last_pos = records + 1, record.stream_pos
                if record.record_type in wanted:
                    # content_length comes from the record's headers: no body is read or inflated.
                    yield RecordRef("warc", name, offset=record.stream_pos, size=record.content_length)
        except Exception as exc:  # FastWARC reports damage with assorted exception types
            yield RecordRef("error", name, problem=f"corrupt WARC after {records} records ({exc})")
            return
    if records == 0:
        problem = "no WARC records found" + (" (or corrupt gzip data)" if gzipped else "")
        yield RecordRef("error", name, problem=problem)
    elif gzipped and (tail := _gzip_tail_problem(path, last_pos)):
        yield RecordRef("error", name, problem=f"{tail} ({records} records read)")


def _split_jsonl(path: Path, settings: Settings) -> Iterator[RecordRef]:
    """One ref per non-blank line; lines are read as ingest reads them (:func:`iter_lines`: an
    overlong line is skipped in chunks, never held, and its ref makes the worker report it)."""
    name, offset = str(path), 0
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield RecordRef("error", name, problem=f"cannot read: {exc.strerror or exc}")
        return
    with stream:
        first = True
        for number, content, length, consumed in iter_lines(stream, settings.fetch_max_bytes):
            start, offset = offset, offset + consumed
            if first and content is not None and content.startswith(b"\xef\xbb\xbf"):
                start, length, content = start + 3, length - 3, content[3:]
            blank = content is not None and not content.strip()
            if first and not blank and (content is None or not _is_json_object(content)):
                # One JSON document spread over lines: read whole.
                yield RecordRef("file", name, size=_size(path))
                return
            first = first and blank
            if not blank:
                yield RecordRef("jsonl", name, offset=start, length=length, line=number, size=length)


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False  # read_jsonl decides (whole document, or line by line with the line's error)


def read_ref(ref: RecordRef, settings: Settings) -> Iterator[Article | IngestError]:
    """The Article(s) or IngestError(s) of one ref (a whole file may hold several)."""
    if ref.kind == "error":
        yield IngestError(ref.path, ref.problem)
    elif ref.kind == "file":
        yield from read_file(Path(ref.path), settings)
    elif ref.kind == "warc":
        item = _read_warc_record(ref, settings)
        if item is not None:
            yield item
    elif ref.kind == "jsonl":
        yield _read_jsonl_line(ref, settings)
    else:
        raise ValueError(f"unknown record kind {ref.kind!r}")


def _read_warc_record(ref: RecordRef, settings: Settings) -> Article | IngestError | None:
    from fastwarc import ArchiveIterator

    # The record extraction of ingest, reused so a backfilled record equals an ingested one.
    from blocwatch.ingest.warc import _record

    try:
        with open(ref.path, "rb") as stream:
            stream.seek(ref.offset)
            iterator: Any = ArchiveIterator(stream, auto_decode="transfer")
            record = next(iter(iterator), None)
            if record is None:
                return IngestError(f"{ref.path}@{ref.offset}", "no WARC record at this offset")
            return _record(record, ref.path, settings.fetch_max_bytes)
    except OSError as exc:
        return IngestError(ref.path, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # damage inside the record
        return IngestError(f"{ref.path}@{ref.offset}", f"corrupt WARC record ({exc})")


def _read_jsonl_line(ref: RecordRef, settings: Settings) -> Article | IngestError:
    """One line, through the per-line code of ingest (:func:`blocwatch.ingest.jsonl.parse_line`)."""
    if ref.length > settings.fetch_max_bytes:
        problem = f"line is {ref.length} bytes, over the limit of {settings.fetch_max_bytes}"
        return IngestError(ref.path, problem, line=ref.line)
    try:
        with open(ref.path, "rb") as stream:
            stream.seek(ref.offset)
            line = stream.read(ref.length)
    except OSError as exc:
        return IngestError(ref.path, f"cannot read: {exc.strerror or exc}", line=ref.line)
    return parse_line(line, ref.path, ref.line or 0)
