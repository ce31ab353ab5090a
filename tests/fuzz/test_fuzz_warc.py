"""Hostile input for the WARC reader: arbitrary bytes, and archives built record by record with
random WARC types, HTTP status lines, content types, encodings (gzip / br / deflate / junk, true
or false), wrong lengths, per-record gzip members and truncation.

:func:`read_warc` is a generator over a file; it may yield only Articles and IngestErrors, must
end (a damaged file ends with one error), and what it yields must satisfy the invariants.
"""

from __future__ import annotations

import gzip
import itertools
import zlib
from pathlib import Path
from typing import Any

from fuzz_invariants import check_items
from fuzz_profile import properties
from hypothesis import strategies as st

from blocwatch.ingest import read_warc
from blocwatch.settings import Settings

_SEQUENCE = itertools.count()
SETTINGS = Settings(fetch_max_bytes=20_000)
PAGE = (
    "<html><head><title>Talks</title></head><body><article><h1>Talks</h1>"
    "<p>The ministers said on Monday that the trade talks would resume in the spring after a long "
    "pause, and that both sides wanted a fair deal on the river treaty.</p></article></body></html>"
)
BODY = st.one_of(
    st.binary(max_size=300),
    st.just(PAGE.encode()),
    st.text(max_size=200).map(str.encode),
    st.just(b"x" * 25_000),
)
ENCODING = st.sampled_from([None, "gzip", "br", "deflate", "identity", "gzip, br", "x-junk", ""])


def _encode(body: bytes, encoding: str | None, honest: bool) -> bytes:
    if not honest or not encoding:
        return body
    if encoding.startswith("gzip"):
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        import brotli

        return bytes(brotli.compress(body))
    return body


@st.composite
def warc_record(draw: Any) -> bytes:
    sane = draw(st.booleans())  # half the records are well-formed pages, so articles come out too
    kinds = (
        ["response", "resource"]
        if sane
        else ["response", "resource", "request", "metadata", "revisit", "warcinfo", "bogus"]
    )
    kind = draw(st.sampled_from(kinds))
    body = PAGE.encode() if sane else draw(BODY)
    encoding = draw(st.sampled_from([None, "gzip", "br", "deflate", "identity"]) if sane else ENCODING)
    payload = _encode(body, encoding, sane or draw(st.booleans()))
    ctype = (
        "text/html; charset=utf-8"
        if sane
        else draw(
            st.sampled_from(
                [
                    "text/html; charset=utf-8",
                    "text/plain",
                    "text/html; charset=bogus",
                    "application/xhtml+xml",
                    "image/png",
                    "",
                    "text/html;charset=",
                ]
            )
        )
    )
    if kind == "response" and (sane or draw(st.booleans())):
        status = (
            "200 OK"
            if sane
            else draw(
                st.sampled_from(
                    ["200 OK", "404 Not Found", "301 Moved", "204 No Content", "999 X", "abc", "500 Error"]
                )
            )
        )
        headers = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n"
        if encoding is not None:
            headers += f"Content-Encoding: {encoding}\r\n"
        if not sane and draw(st.booleans()):
            headers += "Transfer-Encoding: chunked\r\n"
        content = headers.encode("latin-1") + b"\r\n" + payload
        record_type = "application/http; msgtype=response"
    else:
        content, record_type = payload, ctype
    uri = draw(
        st.sampled_from(
            ["https://news.example.org/a/1", "", "<https://news.example.org/b>", "not a uri", "https://[::1"]
        )
    )
    length = len(content) + (0 if sane else draw(st.sampled_from([0, 0, 0, -1, 1, 50, -len(content)])))
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{next(_SEQUENCE)}>\r\n"
        f"WARC-Date: 2024-05-06T10:00:00Z\r\nContent-Type: {record_type}\r\n"
        f"Content-Length: {max(length, 0)}\r\n"
    )
    if uri:
        head += f"WARC-Target-URI: {uri}\r\n"
    record = head.encode("latin-1") + b"\r\n" + content + b"\r\n\r\n"
    return gzip.compress(record) if draw(st.booleans()) else record


ARCHIVE = st.tuples(
    st.lists(warc_record(), max_size=6),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=1, max_value=400),
).map(lambda p: b"".join(p[0])[: -p[2]] if p[1] == 0 and p[0] else b"".join(p[0]))


def check_warc(tmp_path_factory: Any, data: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("warc")) / "fuzz.warc.gz"
    path.write_bytes(data)
    items = list(read_warc(path, SETTINGS))
    check_items(items)
    for item in items:
        if hasattr(item, "url") and item.url is not None:
            assert item.url.strip()


test_warc_any_bytes, test_warc_any_bytes_slow = properties(
    check_warc, st.binary(max_size=2000).map(lambda b: b"WARC/1.0\r\n" + b if b[:1] == b"W" else b)
)
test_warc_shaped, test_warc_shaped_slow = properties(check_warc, ARCHIVE)
