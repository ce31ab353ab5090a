"""read_warc on WARC/1.0 and WARC.gz files composed here, record by record."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path

from ingest_server import article_html

from blocwatch.ingest import IngestError, read_inputs
from blocwatch.ingest.warc import is_warc, read_warc
from blocwatch.records import Article
from blocwatch.settings import load_settings

SETTINGS = load_settings(fetch_max_bytes=200_000)


def record(kind: str, uri: str | None, block: bytes, content_type: str) -> bytes:
    headers = [
        "WARC/1.0",
        f"WARC-Type: {kind}",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
        "WARC-Date: 2024-03-05T10:00:00Z",
        *([f"WARC-Target-URI: {uri}"] if uri else []),
        f"Content-Type: {content_type}",
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def response(
    uri: str, body: bytes, status: str = "200 OK", headers: str = "Content-Type: text/html"
) -> bytes:
    http = f"HTTP/1.1 {status}\r\n{headers}\r\n\r\n".encode() + body
    return record("response", uri, http, "application/http; msgtype=response")


def chunked(data: bytes, size: int = 100) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def crawl() -> list[bytes]:
    page = article_html("Archived talks").encode()
    zipped = gzip.compress(article_html("Chunked and zipped").encode())
    return [
        record("warcinfo", None, b"software: blocwatch tests\r\n", "application/warc-fields"),
        record(
            "request",
            "https://wire.example.net/a",
            b"GET /a HTTP/1.1\r\nHost: wire.example.net\r\n\r\n",
            "application/http; msgtype=request",
        ),
        response("https://wire.example.net/a", page, headers="Content-Type: text/html; charset=utf-8"),
        response(
            "https://wire.example.net/b",
            chunked(zipped),
            headers="Content-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked",
        ),
        # Common Crawl style: body already decoded, the original header renamed.
        response(
            "https://wire.example.net/cc",
            article_html("Crawler decoded").encode(),
            headers="Content-Type: text/html\r\nX-Crawler-Content-Encoding: gzip",
        ),
        response("https://wire.example.net/moved", b"", "301 Moved Permanently", "Location: /a"),
        response(
            "https://wire.example.net/logo.png", b"\x89PNG\r\n\x1a\n", headers="Content-Type: image/png"
        ),
        response("https://wire.example.net/gone", b"<html><body>gone</body></html>", "404 Not Found"),
        response(
            "https://wire.example.net/bomb",
            gzip.compress(b"\0" * 5_000_000),
            headers="Content-Type: text/html\r\nContent-Encoding: gzip",
        ),
        record(
            "resource",
            "https://wire.example.net/notes.txt",
            b"Notes from the talks\n\nDelegates met for a third day of talks on Thursday.\n",
            "text/plain; charset=utf-8",
        ),
    ]


def write_gz(path: Path, records: list[bytes]) -> Path:
    path.write_bytes(b"".join(gzip.compress(r) for r in records))  # one gzip member per record
    return path


def test_read_warc_gz_keeps_uri_and_body(tmp_path: Path) -> None:
    path = write_gz(tmp_path / "crawl.warc.gz", crawl())
    items = list(read_warc(path, SETTINGS))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, IngestError)]
    assert [(a.url, a.title) for a in articles] == [
        ("https://wire.example.net/a", "Archived talks"),
        ("https://wire.example.net/b", "Chunked and zipped"),
        ("https://wire.example.net/cc", "Crawler decoded"),
        ("https://wire.example.net/notes.txt", "Notes from the talks"),
    ]
    assert articles[0].raw == article_html("Archived talks").encode() and articles[0].raw_type == "html"
    assert articles[1].raw is not None and articles[1].raw.startswith(
        b"<!DOCTYPE html>"
    )  # de-chunked, gunzipped
    assert all(a.input_name and a.input_name.startswith(f"{path}@") for a in articles)
    assert [e.problem.split(": ", 1) for e in errors] == [
        ["https://wire.example.net/gone", "archived response is HTTP 404"],
        ["https://wire.example.net/bomb", "decompressed body is over the limit of 200000 bytes"],
    ]
    assert errors[0].raw == b"<html><body>gone</body></html>"


def test_plain_warc_and_read_inputs_routing(tmp_path: Path) -> None:
    plain = tmp_path / "one.warc"
    plain.write_bytes(b"".join(crawl()[:3]))
    (tmp_path / "two.warc.gz").write_bytes(gzip.compress(b"".join(crawl()[2:3])))  # one member, many records
    nameless = tmp_path / "archive.bin"
    nameless.write_bytes(plain.read_bytes())
    assert is_warc(plain.read_bytes()[:64]) and is_warc(gzip.compress(plain.read_bytes())[:4096])
    assert not is_warc(gzip.compress(b"<html>")) and not is_warc(b"\x1f\x8bjunk")
    titles = [i.title for i in read_inputs([str(tmp_path)], SETTINGS) if isinstance(i, Article)]
    assert titles == ["Archived talks", "Archived talks"]  # the directory walk picks .warc and .warc.gz
    assert [i.title for i in read_inputs([str(nameless)], SETTINGS)] == ["Archived talks"]  # sniffed


def test_large_archive_is_not_capped_as_a_whole(tmp_path: Path) -> None:
    many = [
        response(f"https://wire.example.net/p{i}", article_html(f"Story {i}").encode()) for i in range(160)
    ]
    path = write_gz(tmp_path / "big.warc.gz", many)
    raw_size = sum(len(r) for r in many)
    assert raw_size > SETTINGS.fetch_max_bytes  # the file is over the cap; each record is not
    assert sum(1 for i in read_warc(path, SETTINGS) if isinstance(i, Article)) == 160


def test_oversized_record_and_corrupt_or_empty_files(tmp_path: Path) -> None:
    big = response("https://wire.example.net/huge", b"<p>" + b"x" * 300_000 + b"</p>")
    path = write_gz(tmp_path / "huge.warc.gz", [big, crawl()[2]])
    items = list(read_warc(path, SETTINGS))
    assert isinstance(items[0], IngestError) and "archived body is over the limit" in items[0].problem
    assert isinstance(items[1], Article)
    data = write_gz(tmp_path / "full.warc.gz", crawl()).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2])
    items = list(read_warc(cut, SETTINGS))
    assert any(isinstance(i, Article) for i in items)  # records before the damage survive
    assert isinstance(items[-1], IngestError) and items[-1].input == str(cut)
    assert "damaged data after the last readable record" in items[-1].problem
    ends = tmp_path / "ends.warc.gz"
    ends.write_bytes(data[:-30])  # the last member loses its end
    assert "truncated gzip data (10 records read)" in str(list(read_warc(ends, SETTINGS))[-1])
    plain_cut = tmp_path / "cut.warc"
    plain_cut.write_bytes(b"".join(crawl())[:3000])
    assert "corrupt WARC after 4 records" in str(list(read_warc(plain_cut, SETTINGS))[-1])
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"not an archive at all\n" * 10)
    assert [e.problem for e in read_warc(junk, SETTINGS)] == [
        "corrupt WARC after 0 records (Invalid WARC header)"
    ]
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert [str(e) for e in read_warc(empty, SETTINGS)] == [f"{empty}: no WARC records found"]
    missing = list(read_warc(tmp_path / "nope.warc", SETTINGS))
    assert isinstance(missing[0], IngestError) and "cannot read" in missing[0].problem
