"""WARC and WARC.gz archives -> articles (:func:`read_warc`), on FastWARC.

Web archives (Heritrix, wget ``--warc-file``, Common Crawl and its CC-NEWS crawl) hold one
record per HTTP exchange.  We read the ``response`` records (HTTP responses, the body after the
status line and headers) and the ``resource`` records (a stored document with its own WARC
``Content-Type``), and turn each HTML or plain-text one into an :class:`Article` whose ``url`` is
the record's ``WARC-Target-URI`` and whose ``raw`` is the HTTP body as served (decoded).

* FastWARC streams the file (gzip members are detected, never the whole file in memory) and
  undoes ``Transfer-Encoding: chunked``.  ``Content-Encoding`` is undone by us with the capped
  decoder (:mod:`.transfer`), because archived bodies can be bombs as well as live ones.
  Common Crawl stores bodies already decoded and renames the header
  ``X-Crawler-Content-Encoding``; a body that still claims gzip but lacks the gzip magic is
  taken as it is.
* Records that are not articles (requests, metadata, revisits, images, scripts, redirects) are
  skipped silently: they are the bulk of a crawl and not errors.  Archived 4xx/5xx responses,
  bodies over the size cap and pages with no text become :class:`IngestError` s, and a corrupt
  file stops with one error after the records already read.
* Each article's and error's ``input_name`` is ``<path>@<byte offset of the record>``, so a
  record can be found again in a multi-gigabyte file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from blocwatch.ingest.errors import IngestError
from blocwatch.ingest.transfer import BodyTooLarge, CappedDecoder, DecodingError
from blocwatch.records import Article
from blocwatch.settings import Settings

__all__ = ["ARTICLE_TYPES", "is_warc", "read_warc"]

ARTICLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_MAGIC = b"WARC/"


def is_warc(head: bytes) -> bool:
    """Whether the first bytes of a file (gzipped or not) are a WARC record's version line."""
    if head.startswith(b"\x1f\x8b"):
        import zlib

        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(_MAGIC)


def read_warc(path: str | Path, settings: Settings | None = None) -> Iterator[Article | IngestError]:
    """Yield an Article or IngestError per HTML/text response or resource record of ``path``."""
    from fastwarc import ArchiveIterator, WarcRecordType

    settings = settings or Settings()
    name = str(path)
    wanted = (WarcRecordType.response, WarcRecordType.resource)
    records, last_pos = 0, -1
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        yield IngestError(name, f"cannot read: {exc.strerror or exc}")
        return
    try:
        gzipped = stream.read(2) == b"\x1f\x8b"
        stream.seek(0)
        # All record types are read (and most skipped below) so the last record seen is the file's
        # last, which the truncation check needs.  auto_decode="transfer" only de-chunks bodies.
        iterator: Any = ArchiveIterator(stream, auto_decode="transfer")
        for record in iterator:
            records, last_pos = records + 1, record.stream_pos
            if record.record_type not in wanted:
                continue
            item = _record(record, name, settings.fetch_max_bytes)
            if item is not None:
                yield item
    except Exception as exc:  # FastWARC reports damage with assorted exception types (OSError...)
        yield IngestError(name, f"corrupt WARC after {records} records ({exc})")
        return
    finally:
        stream.close()
    if records == 0:
        yield IngestError(name, "no WARC records found" + (" (or corrupt gzip data)" if gzipped else ""))
    elif gzipped:
        problem = _gzip_tail_problem(Path(path), last_pos)
        if problem:
            yield IngestError(name, f"{problem} ({records} records read)")


def _gzip_tail_problem(path: Path, offset: int) -> str | None:
    """FastWARC stops quietly at a damaged gzip member; check the last member ends the file."""
    import zlib

    with path.open("rb") as stream:
        stream.seek(offset)
        decompressor: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while chunk := stream.read(1 << 16):
                while chunk:
                    if decompressor.eof:
                        return "damaged data after the last readable record"
                    decompressor.decompress(chunk, 1 << 16)  # output discarded: a bomb costs time only
                    chunk = decompressor.unconsumed_tail or decompressor.unused_data
        except zlib.error as exc:
            return f"corrupt gzip data ({exc})"
    return None if decompressor.eof else "truncated gzip data"


def _record(record: Any, path: str, cap: int) -> Article | IngestError | None:
    where = f"{path}@{record.stream_pos}"
    uri = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>") or None
    if record.is_http:
        http = record.http_headers
        status = http.status_code or 0
        if 300 <= status < 400 or status in (0, 204, 304):
            return None  # redirects and empty answers carry no article
        ctype_header = http.get("Content-Type") or ""
        encoding = http.get("Content-Encoding")
    else:
        status, ctype_header, encoding = 200, record.headers.get("Content-Type") or "", None
    ctype, charset = _content_type(ctype_header)
    if ctype and ctype not in ARTICLE_TYPES:
        return None
    body = record.reader.read(cap + 1)
    if len(body) > cap:
        return IngestError(where, f"{uri}: archived body is over the limit of {cap} bytes")
    if status >= 400:
        return IngestError(where, f"{uri}: archived response is HTTP {status}", raw=body or None)
    try:
        body = _decode(body, encoding, cap)
    except BodyTooLarge:
        return IngestError(where, f"{uri}: decompressed body is over the limit of {cap} bytes")
    except DecodingError as exc:
        return IngestError(where, f"{uri}: {exc}", raw=body)
    if not body.strip():
        return IngestError(where, f"{uri}: empty body")
    from blocwatch.ingest.fetch import extract_response

    try:
        article = extract_response(where, uri or where, ctype, charset, body)
    except IngestError as exc:
        exc.raw = exc.raw if exc.raw is not None else body
        exc.problem = f"{uri}: {exc.problem}" if uri else exc.problem
        return exc
    if uri is None:  # a resource record without a target URI: the offset is all we know
        article.url = None
        article.canonical_url = None if article.canonical_url == where else article.canonical_url
    return article


def _content_type(header: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return parts[0].lower(), charset


def _decode(body: bytes, encoding: str | None, cap: int) -> bytes:
    if not encoding or encoding.strip().lower() in ("identity", ""):
        return body
    names = encoding.lower()
    if ("gzip" in names and not body.startswith(b"\x1f\x8b")) and "br" not in names:
        return body  # already decoded by the archiver, header left behind
    decoder = CappedDecoder(encoding, cap)
    out = decoder.feed(body)
    decoder.finish()
    return out
