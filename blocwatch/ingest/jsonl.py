"""JSON records -> :class:`Article`: :func:`read_jsonl` (bytes) and :func:`read_jsonl_stream` (a file).

One record per line (JSON lines), or a ``.json`` file holding one object or an array of them::

    {"id"?: str, "text" | "html": str, "title"?: str, "date"?: "YYYY-MM-DD", "url"?: str, "source"?: str}

``text`` is taken as the article body as it stands; ``html`` goes through :func:`extract_html`
and the record's own fields override what extraction found (the producer of the record knows
better than a heuristic).  Each line is decoded and validated on its own by :func:`parse_line`:
a bad line yields an :class:`IngestError` with its line number and its raw bytes, and reading
goes on with the next one.

Streaming (issue 7): :func:`read_jsonl_stream` reads a binary stream (a file, a ``gzip.open``
file) line by line in constant memory, so a JSON-lines file of any size is read; the size cap
is per line.  :func:`iter_lines` never holds more than ``max_line_bytes`` (+2 for ``\\r\\n``) of
one line: the rest of an overlong line is read in small chunks and dropped, and the line becomes
one error naming its number.  The bytes path (:func:`read_jsonl`, used for ``.json`` documents,
small files and re-processing) goes through the same per-line code.  A JSON array or a
pretty-printed object cannot be split into lines, so it is parsed whole (:func:`whole_records`),
which is why the caller caps such a document's size.  Line endings ``\\n`` and ``\\r\\n`` and a
UTF-8 BOM at the start are accepted; the kept ``raw`` of a line is the line without its ending.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal, NamedTuple, Protocol

from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.records import Article

__all__ = ["Line", "LineStream", "iter_lines", "json_layout", "parse_line", "read_jsonl", "read_jsonl_stream",
           "record_to_article", "whole_records"]  # fmt: skip

_STRING_FIELDS = ("id", "text", "html", "title", "date", "url", "source")
_BOM = b"\xef\xbb\xbf"
# How much of an overlong line is read at a time while skipping it.
_SKIP_CHUNK = 1 << 16


class LineStream(Protocol):
    """What the line reader needs of a stream: a plain or gzip file, ``io.BytesIO``."""

    def readline(self, size: int = -1, /) -> bytes: ...


class Line(NamedTuple):
    """One line of a stream: ``content`` without its line ending, or None when it was longer than
    the limit (then not kept); ``length`` is the content's length, ``consumed`` the bytes read
    for the line, ending included (the next line starts ``consumed`` bytes further on)."""

    number: int
    content: bytes | None
    length: int
    consumed: int


def iter_lines(stream: LineStream, max_line_bytes: int | None = None) -> Iterator[Line]:
    """Every line of ``stream``, holding at most ``max_line_bytes`` + 2 bytes of one line."""
    limit = -1 if max_line_bytes is None else max_line_bytes + 2  # + "\r\n"
    number = 0
    while head := stream.readline(limit):
        number += 1
        if max_line_bytes is None or head.endswith(b"\n") or len(head) < limit:
            content = head.removesuffix(b"\n").removesuffix(b"\r")
            fits = max_line_bytes is None or len(content) <= max_line_bytes
            yield Line(number, content if fits else None, len(content), len(head))
            continue
        consumed, piece = len(head), head[-1:]
        del head  # the kept part of an overlong line is freed before the rest is skipped
        while piece and not piece.endswith(b"\n"):
            piece = stream.readline(_SKIP_CHUNK)
            consumed += len(piece)
        ending = 2 if piece.endswith(b"\r\n") else 1 if piece.endswith(b"\n") else 0
        yield Line(number, None, consumed - ending, consumed)


def read_jsonl_stream(
    stream: LineStream, *, input_name: str, max_line_bytes: int | None = None
) -> Iterator[Article | IngestError]:
    """Yield an Article or an IngestError for every non-blank line of ``stream``, line by line.

    A stream that breaks (a truncated or corrupt gzip file) ends with one IngestError naming the
    last line read, after everything before it was yielded."""
    number = 0
    try:
        for number, content, length, _ in iter_lines(stream, max_line_bytes):
            if content is None:
                problem = f"line is {length} bytes, over the limit of {max_line_bytes}"
                yield IngestError(input_name, problem, line=number)
                continue
            if number == 1:
                content = content.removeprefix(_BOM)
            if content.strip():
                yield parse_line(content, input_name, number)
    except EOFError:  # gzip: the file ends inside the compressed data
        yield IngestError(input_name, f"truncated gzip data after line {number}")
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield IngestError(input_name, f"corrupt gzip data after line {number} ({exc})")
    except OSError as exc:
        yield IngestError(input_name, f"cannot read past line {number}: {exc.strerror or exc}")


def parse_line(line: bytes, input_name: str, number: int) -> Article | IngestError:
    """One JSON-lines record (its bytes, without the line ending) -> Article or IngestError."""
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return IngestError(input_name, f"invalid UTF-8 at byte {exc.start}", raw=line, line=number)
    except json.JSONDecodeError as exc:
        problem = f"invalid JSON ({exc.msg} at column {exc.colno})"
        return IngestError(input_name, problem, raw=line, line=number)
    return _convert(record, line, input_name, number)


def read_jsonl(
    data: bytes | str, *, input_name: str, max_line_bytes: int | None = None
) -> Iterator[Article | IngestError]:
    """Yield an Article or an IngestError for every non-blank record of ``data``."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    raw = raw.removeprefix(_BOM)
    whole = _whole_document(raw)
    if whole is not None:
        yield from whole_records(whole, raw, input_name)
        return
    yield from read_jsonl_stream(io.BytesIO(raw), input_name=input_name, max_line_bytes=max_line_bytes)


def json_layout(head: bytes, complete: bool) -> Literal["lines", "document", "unknown"]:
    """Whether a JSON file whose first bytes are ``head`` is JSON lines (its first line is one
    complete object) or one document (an array); "unknown" when the first line does not tell
    (a pretty-printed object, a bad first line, or a first line longer than ``head``).
    ``complete``: ``head`` is the whole file."""
    stripped = head.removeprefix(_BOM).lstrip()
    if stripped.startswith(b"["):
        return "document"
    first, newline, _ = stripped.partition(b"\n")
    if not newline and not complete:
        return "unknown"
    try:
        return "lines" if isinstance(json.loads(first), dict) else "unknown"
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "unknown"


def _whole_document(raw: bytes) -> Any | None:
    """A ``.json`` file that is one array, or one object spread over several lines, else ``None``."""
    stripped = raw.strip()
    if not stripped.startswith(b"[") and not (stripped.startswith(b"{") and b"\n" in stripped):
        return None
    first = stripped.split(b"\n", 1)[0]
    try:
        json.loads(first)
        if not stripped.startswith(b"["):
            return None  # the first line is a complete object: this is JSON lines
    except (json.JSONDecodeError, UnicodeDecodeError):
        pass
    try:
        return json.loads(stripped.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None  # fall back to line-by-line, which reports the bad lines one by one


def whole_records(document: Any, raw: bytes, input_name: str) -> Iterator[Article | IngestError]:
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, start=1):
        line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        yield _convert(record, line, input_name, number)


def _convert(record: Any, line: bytes, input_name: str, number: int) -> Article | IngestError:
    try:
        return record_to_article(record, raw=line, input_name=f"{input_name}:{number}")
    except IngestError as exc:
        return IngestError(input_name, exc.problem, raw=line, line=number)


def record_to_article(record: Any, *, raw: bytes | None = None, input_name: str = "<record>") -> Article:
    """One decoded JSON record -> Article; raises IngestError naming what is wrong with it."""
    if not isinstance(record, dict):
        raise IngestError(input_name, f"record is a JSON {type(record).__name__}, not an object")
    for key in _STRING_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise IngestError(input_name, f"field {key!r} must be a string")
    text, html = (record.get("text") or "").strip(), (record.get("html") or "").strip()
    if not text and not html:
        raise IngestError(input_name, "record has neither a non-empty 'text' nor 'html' field")
    published = _parse_date(record.get("date"), input_name)
    url = record.get("url") or None
    if text:
        article = Article(id="", text=text, url=url, canonical_url=url, raw_type="json")
    else:
        from blocwatch.ingest.html import extract_html

        article = extract_html(html.encode("utf-8"), url=url, input_name=input_name, charset="utf-8")
        article.raw_type = "json"
    article.title = record.get("title") or article.title
    article.source = record.get("source") or article.source
    article.published = published or article.published
    article.id = record.get("id") or article_id_for(article.canonical_url or url, article.text)
    article.raw = raw
    article.input_name = input_name
    return article


def _parse_date(value: str | None, input_name: str) -> date | None:
    if not value:
        return None
    try:
        # "2024-09-25" or a full ISO timestamp, of which the day is what we keep.
        return date.fromisoformat(value[:10])
    except ValueError:
        raise IngestError(input_name, f"field 'date' is not YYYY-MM-DD: {value!r}") from None
