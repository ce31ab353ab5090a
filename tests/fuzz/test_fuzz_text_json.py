"""Hostile input for the plain-text page parser and the JSON-lines reader.

Arbitrary text (any code point, lone surrogates included, any line endings) and text shaped like
a page (title, date and byline lines, numbered contents, headings, prose); arbitrary bytes and
JSON lines whose fields have random JSON types.  Nothing may escape but :class:`IngestError`,
and what comes out must satisfy :mod:`fuzz_invariants`; ids must be stable (same input, same id).
The JSON-lines bytes also go through the streaming reader (``read_jsonl_stream``, plain and
gzipped, with a small per-line cap so overlong lines are skipped in chunks): it must agree
with the bytes reader on every line that fits.
"""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

from fuzz_invariants import check_article, check_error, check_items
from fuzz_profile import properties
from hypothesis import strategies as st

from blocwatch.ingest import IngestError, parse_text_page, read_jsonl
from blocwatch.ingest.jsonl import read_jsonl_stream

WORDS = st.sampled_from(
    "the minister said talks on trade would resume in spring after a long pause Ruritania "
    "Freedonia summit 2024 May Monday By and of Contents Share Comments Related Advertisement".split()
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=25).map(lambda w: " ".join(w).capitalize() + ".")
LINE = st.one_of(
    SENTENCE,
    st.lists(WORDS, min_size=1, max_size=6).map(" ".join),  # short: a heading or furniture
    st.sampled_from(
        [
            "",
            " ",
            "By Ana Tester",
            "6 May 2024",
            "2024-05-06",
            "Contents",
            "1. Talks",
            "2) Trade",
            "Share this",
            "\u200b",
            "\t",
            "Updated 10:30 GMT",
        ]
    ),
    st.text(max_size=40),
)
PAGE = st.tuples(st.lists(LINE, max_size=60), st.sampled_from(["\n", "\r\n", "\r", "\n\n"])).map(
    lambda parts: parts[1].join(parts[0])
)


def check_text_page(text: str) -> None:
    try:
        article = parse_text_page(text, input_name="fuzz.txt")
    except IngestError as exc:
        check_error(exc)
        return
    check_article(article)
    assert article.id == parse_text_page(text, input_name="fuzz.txt").id


test_text_page_any_text, test_text_page_any_text_slow = properties(check_text_page, st.text(max_size=3000))
test_text_page_shaped, test_text_page_shaped_slow = properties(check_text_page, PAGE)

JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELD_VALUE = st.one_of(
    JSON_VALUE,
    SENTENCE,
    st.sampled_from(["2024-05-06", "2024-13-45", "May 6", "<p>Hello</p>", "https://x.example/a"]),
)
RECORD = st.dictionaries(
    st.sampled_from(["id", "text", "html", "title", "date", "url", "source", "extra"]),
    FIELD_VALUE,
    max_size=7,
)
JSON_LINE = st.one_of(
    RECORD.map(lambda r: json.dumps(r, allow_nan=True)),
    JSON_VALUE.map(lambda v: json.dumps(v, allow_nan=True)),
    st.text(max_size=80),
)


def check_jsonl(data: bytes) -> None:
    items = list(read_jsonl(data, input_name="fuzz.jsonl", max_line_bytes=50_000))
    check_items(items)
    # At most one item per non-blank line, unless the file is one JSON array.
    lines = [line for line in data.split(b"\n") if line.strip()]
    whole_array = data.removeprefix(b"\xef\xbb\xbf").strip().startswith(b"[")
    assert len(items) <= max(len(lines), 1) or whole_array
    again = read_jsonl(data, input_name="fuzz.jsonl", max_line_bytes=50_000)
    assert [i.id for i in again if not isinstance(i, IngestError)] == [
        i.id for i in items if not isinstance(i, IngestError)
    ]
    if not whole_array:
        check_jsonl_stream(data)


def check_jsonl_stream(data: bytes) -> None:
    """The streaming reader, plain and gzipped, with a 60-byte cap: each line that fits gives
    what the bytes reader gives for it; each longer line one error, its line number right."""
    unlimited = list(read_jsonl_stream(io.BytesIO(data), input_name="fuzz.jsonl"))
    check_items(unlimited)
    by_line = {_line_of(i): i for i in unlimited}
    for stream in (io.BytesIO(data), gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(data)))):
        capped = list(read_jsonl_stream(stream, input_name="fuzz.jsonl", max_line_bytes=60))
        check_items(capped)
        for item in capped:
            if isinstance(item, IngestError) and "over the limit" in item.problem:
                assert item.line is not None and item.raw is None
                continue
            same = by_line[_line_of(item)]
            assert type(same) is type(item) and getattr(same, "id", None) == getattr(item, "id", None)


def _line_of(item: Any) -> int | None:
    if isinstance(item, IngestError):
        return item.line
    return int(item.input_name.rsplit(":", 1)[1])


def _document(parts: Any) -> bytes:
    lines, as_array, bom = parts
    if as_array:
        body = "[" + ",".join(lines) + "]"
    else:
        body = "\n".join(lines)
    return (b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8", "surrogatepass")


JSONL_DOC = st.tuples(st.lists(JSON_LINE, max_size=12), st.booleans(), st.booleans()).map(_document)
test_jsonl_any_bytes, test_jsonl_any_bytes_slow = properties(check_jsonl, st.binary(max_size=2000))
test_jsonl_shaped, test_jsonl_shaped_slow = properties(check_jsonl, JSONL_DOC)
