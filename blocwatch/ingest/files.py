"""The ingest front door: :func:`read_inputs` turns paths, folders and URLs into articles.

Each input is an http(s) URL, a file, or a directory walked recursively (sorted, hidden
entries skipped) for ``.html``, ``.htm``, ``.txt``, ``.jsonl``, ``.json`` and ``.warc`` files and
their ``.gz`` versions.  A file's kind comes from its extension, and from sniffing its bytes when
the extension says nothing (or says gzip).  WARC archives (by name or by their first bytes) are
streamed record by record (:mod:`.warc`), so the size cap applies per record, not per file.
JSON lines (``.jsonl``, ``.ndjson``, their ``.gz``, or a nameless file whose first line is one
JSON object) are streamed line by line (:func:`blocwatch.ingest.jsonl.read_jsonl_stream`, gzip
decompressed incrementally), so a JSON-lines file of any size is read in constant memory and
the cap applies per line.  Which JSON files stream is decided from their first 64 KB
(:func:`_streams_as_json_lines`): a JSON array or a pretty-printed object cannot be split into
lines and is read whole, capped, with a message that says to write JSON lines instead.

URLs go through :func:`blocwatch.ingest.collect.collect` with one polite
:class:`~blocwatch.ingest.polite.Fetcher` per run of consecutive URLs (robots.txt, per-host
limits and retries hold across them): a page URL gives its article, a feed or sitemap URL gives
the articles it lists.

Failure is data, not control flow: every problem becomes an :class:`IngestError` *yielded* in
place of the article, carrying the raw bytes where there were any, and the batch goes on.  The
one size rule for all of it is ``settings.fetch_max_bytes``: no file, decompressed file, WARC
record or JSON line larger than that is read into memory.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import zlib
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from blocwatch.ingest import sniff
from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.ingest.jsonl import json_layout, read_jsonl_stream
from blocwatch.records import Article
from blocwatch.settings import Settings

__all__ = ["SUFFIXES", "JSON_DOCUMENT_HINT", "read_inputs", "read_file", "read_bytes"]

T = TypeVar("T")
SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text", ".text": "text",
            ".jsonl": "json", ".ndjson": "json", ".json": "json", ".warc": "warc"}  # fmt: skip
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
JSON_DOCUMENT_HINT = (
    "; a JSON document (one array or object) is read whole, so it is capped: write one record "
    "per line (JSON lines, .jsonl) to stream a file of any size"
)
_PEEK_BYTES = 1 << 16


def read_inputs(
    inputs: Sequence[str], settings: Settings, *, fetch_options: Mapping[str, Any] | None = None
) -> Iterator[Article | IngestError]:
    """Yield one Article (or IngestError) per document found in ``inputs``, in order.

    ``fetch_options`` are keyword arguments for the :class:`~blocwatch.ingest.polite.Fetcher`
    (``per_host_delay``, ``per_host_concurrency``, ``retries``...) that Settings has no field for.
    """
    urls: list[str] = []  # consecutive URLs share one Fetcher, so politeness spans them
    for item in inputs:
        scheme = urlsplit(item).scheme.lower()
        if scheme in ("http", "https"):
            urls.append(item)
            continue
        if urls:
            yield from _fetch(urls, settings, fetch_options or {})
            urls = []
        if len(scheme) > 1 and "://" in item:  # one letter is a Windows drive, "C:\..."
            yield IngestError(item, f"unsupported URL scheme {scheme!r} (only http and https)")
        else:
            yield from _read_path(Path(item), settings)
    if urls:
        yield from _fetch(urls, settings, fetch_options or {})


def _fetch(
    urls: list[str], settings: Settings, options: Mapping[str, Any]
) -> Iterator[Article | IngestError]:
    from blocwatch.ingest.collect import CollectResult, collect
    from blocwatch.ingest.polite import Fetcher

    async def run() -> list[CollectResult]:
        async with Fetcher(settings, **options) as fetcher:
            return list(await asyncio.gather(*(collect(url, fetcher, html="page") for url in urls)))

    for result in _run(run()):
        yield from result.articles
        yield from result.errors


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run``, also when the caller is itself inside an event loop (then in a thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _read_path(path: Path, settings: Settings) -> Iterator[Article | IngestError]:
    if path.is_dir():
        found = False
        for child in sorted(path.rglob("*")):
            relative = child.relative_to(path).parts
            if child.is_file() and not any(p.startswith(".") for p in relative) and _kind_by_name(child):
                found = True
                yield from read_file(child, settings)
        if not found:
            yield IngestError(str(path), "directory holds no .html, .txt, .jsonl, .json or .warc files")
    elif path.is_file():
        yield from read_file(path, settings)
    elif path.exists():
        yield IngestError(str(path), "not a regular file or directory")
    else:
        yield IngestError(str(path), "no such file or directory")


def _kind_by_name(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return SUFFIXES.get(suffixes[-1]) if suffixes else None


def read_file(path: Path, settings: Settings) -> Iterator[Article | IngestError]:
    """Read one file of any supported kind (an explicitly named file need not have a known suffix)."""
    name = str(path)
    if _kind_by_name(path) == "warc" or _starts_like_warc(path):
        from blocwatch.ingest.warc import read_warc

        yield from read_warc(path, settings)
        return
    peek = _peek(path) if _kind_by_name(path) in (None, "json") else None
    if peek is not None and _streams_as_json_lines(path, peek, settings):
        yield from _stream_json_lines(path, peek.gzipped, settings)
        return
    kind = _kind_by_name(path)
    if kind is None and peek is not None and sniff.sniff_kind(peek.head) == "json":
        kind = "json"  # a nameless JSON document: its size error gets the JSON-lines hint
    try:
        size = path.stat().st_size
        if size > settings.fetch_max_bytes:
            hint = JSON_DOCUMENT_HINT if kind == "json" else ""
            problem = f"file is {size} bytes, over the limit of {settings.fetch_max_bytes}{hint}"
            yield IngestError(name, problem)
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield IngestError(name, f"cannot read: {exc.strerror or exc}")
        return
    yield from read_bytes(raw, name, settings, kind=kind)


class _Peek(NamedTuple):
    head: bytes  # the first bytes of the (decompressed) content
    complete: bool  # head is the whole content
    gzipped: bool
    size: int  # on disk


def _peek(path: Path) -> _Peek | None:
    """The first :data:`_PEEK_BYTES` of the content, without reading (or gunzipping) the rest;
    None when the file cannot be read or is corrupt gzip (the whole-file path reports that)."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(_PEEK_BYTES)
            more = bool(stream.read(1))
            size = path.stat().st_size
    except OSError:
        return None
    if not raw.startswith(b"\x1f\x8b"):
        return _Peek(raw, not more, False, size)
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        head = decompressor.decompress(raw, _PEEK_BYTES)
    except zlib.error:
        return None
    rest = decompressor.unconsumed_tail or decompressor.unused_data.strip(b"\x00")
    return _Peek(head, decompressor.eof and not more and not rest, True, size)


def _streams_as_json_lines(path: Path, peek: _Peek, settings: Settings) -> bool:
    """JSON lines by name or by content, and not a JSON document that must be read whole."""
    sniffed = sniff.sniff_kind(peek.head)
    if not peek.head.strip() or sniffed.startswith("binary") or sniffed == "gzip":
        return False  # the whole-file path reports empty, binary and nested-gzip files
    named_lines = _name_without_gz(path).endswith(JSON_LINES_SUFFIXES)
    if not named_lines and sniffed != "json":
        return False
    layout = json_layout(peek.head, peek.complete)
    if layout != "unknown":
        return layout == "lines"
    # A first line that is no object by itself: a small file is read whole, where read_jsonl
    # tells a pretty-printed object from bad lines; a big one named as JSON lines is streamed,
    # its bad lines reported one by one (a gzip's content size is not known before reading it).
    too_big = peek.gzipped or peek.size > settings.fetch_max_bytes
    return named_lines and not peek.complete and too_big


def _name_without_gz(path: Path) -> str:
    return path.name.lower().removesuffix(".gz")


def _stream_json_lines(path: Path, gzipped: bool, settings: Settings) -> Iterator[Article | IngestError]:
    name = str(path)
    try:
        opened = gzip.open(path, "rb") if gzipped else path.open("rb")
    except OSError as exc:
        yield IngestError(name, f"cannot read: {exc.strerror or exc}")
        return
    with opened as stream:
        yield from read_jsonl_stream(stream, input_name=name, max_line_bytes=settings.fetch_max_bytes)


def _starts_like_warc(path: Path) -> bool:
    from blocwatch.ingest.warc import is_warc

    try:
        with path.open("rb") as stream:
            return is_warc(stream.read(4096))
    except OSError:
        return False  # read_file reports the error


def read_bytes(
    raw: bytes, name: str, settings: Settings, *, kind: str | None = None, url: str | None = None
) -> Iterator[Article | IngestError]:
    """Parse the bytes of one document; ``kind`` ("html" | "text" | "json") skips sniffing."""
    original = raw
    if raw.startswith(b"\x1f\x8b"):
        try:
            raw = sniff.gunzip_capped(raw, settings.fetch_max_bytes)
        except sniff.DecodeError as exc:
            hint = JSON_DOCUMENT_HINT if kind == "json" and "exceeds the limit" in str(exc) else ""
            yield IngestError(name, f"{exc}{hint}", raw=original)
            return
    if not raw.strip():
        yield IngestError(name, "empty file" if not raw else "file holds only whitespace", raw=original)
        return
    sniffed = sniff.sniff_kind(raw)
    if sniffed.startswith("binary") or sniffed == "gzip":
        problem = "nested gzip data" if sniffed == "gzip" else sniffed.replace("binary: ", "binary file: ")
        yield IngestError(name, problem, raw=original)
        return
    kind = kind or sniffed
    # A ".txt" that is really a saved web page is parsed as HTML: sniffing beats the name there.
    if kind == "text" and sniffed == "html":
        kind = "html"
    yield from _parse(raw, original, name, kind, settings, url)


def _parse(
    raw: bytes, original: bytes, name: str, kind: str, settings: Settings, url: str | None
) -> Iterator[Article | IngestError]:
    try:
        if kind == "html":
            from blocwatch.ingest.html import extract_html

            article = extract_html(raw, url=url, input_name=name)
        elif kind == "json":
            from blocwatch.ingest.jsonl import read_jsonl

            yield from read_jsonl(raw, input_name=name, max_line_bytes=settings.fetch_max_bytes)
            return
        else:
            from blocwatch.ingest.textpage import parse_text_page

            article = parse_text_page(sniff.decode_text(raw), input_name=name)
            if url:
                article.url = url
                article.id = article_id_for(url, article.text)
    except IngestError as exc:
        exc.raw = exc.raw if exc.raw is not None else original
        yield exc
        return
    except sniff.DecodeError as exc:
        yield IngestError(name, str(exc), raw=original)
        return
    article.raw = raw  # the page as served (decompressed), so it can be re-extracted later
    yield article
