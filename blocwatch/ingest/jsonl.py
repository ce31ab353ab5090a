"""JSON records -> :class:`Article` (:func:`read_jsonl`).

One record per line (JSON lines), or a ``.json`` file holding one object or an array of them::

    {"id"?: str, "text" | "html": str, "title"?: str, "date"?: "YYYY-MM-DD", "url"?: str, "source"?: str}

``text`` is taken as the article body as it stands; ``html`` goes through :func:`extract_html`
and the record's own fields override what extraction found (the producer of the record knows
better than a heuristic).  Each line is decoded and validated on its own: a bad line yields an
:class:`IngestError` with its line number and reading goes on with the next one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.records import Article

__all__ = ["read_jsonl", "record_to_article"]

_STRING_FIELDS = ("id", "text", "html", "title", "date", "url", "source")


def read_jsonl(
    data: bytes | str, *, input_name: str, max_line_bytes: int | None = None
) -> Iterator[Article | IngestError]:
    """Yield an Article or an IngestError for every non-blank record of ``data``."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    whole = _whole_document(raw)
    if whole is not None:
        yield from whole_records(whole, raw, input_name)
        return
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        if max_line_bytes is not None and len(line) > max_line_bytes:
            yield IngestError(input_name, f"line is {len(line)} bytes, over the limit", line=number)
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield IngestError(input_name, f"invalid UTF-8 at byte {exc.start}", raw=line, line=number)
            continue
        except json.JSONDecodeError as exc:
            problem = f"invalid JSON ({exc.msg} at column {exc.colno})"
            yield IngestError(input_name, problem, raw=line, line=number)
            continue
        yield _convert(record, line, input_name, number)


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
