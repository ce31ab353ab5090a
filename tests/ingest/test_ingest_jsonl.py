"""read_jsonl: good records, bad lines reported by number, reading goes on."""

from __future__ import annotations

import json
from datetime import date

from ingest_pages import ARTICLE_HTML

from blocwatch.ingest import IngestError, article_id_for, read_jsonl
from blocwatch.records import Article

BODY = "Two envoys met on Monday to prepare the summit. They agreed on an agenda for the first day."


def test_records_and_bad_lines() -> None:
    lines = [
        json.dumps({"id": "own-1", "text": BODY, "title": "Envoys meet", "date": "2024-09-25",
                    "url": "https://example.org/envoys", "source": "Example Wire"}),
        "{not json",
        "",
        json.dumps({"text": BODY + " More."}),
        json.dumps(["a", "list"]),
        json.dumps({"title": "no body"}),
        json.dumps({"text": BODY, "date": "25/09/2024"}),
        json.dumps({"text": 42}),
        json.dumps({"html": ARTICLE_HTML, "title": "Given title", "date": "2024-01-02"}),
    ]  # fmt: skip
    out = list(read_jsonl("\n".join(lines) + "\n", input_name="batch.jsonl"))
    assert [type(x).__name__ for x in out] == ["Article", "IngestError", "Article"] + ["IngestError"] * 4 + [
        "Article"
    ]
    first = out[0]
    assert isinstance(first, Article)
    assert (first.id, first.title, first.source) == ("own-1", "Envoys meet", "Example Wire")
    assert first.published == date(2024, 9, 25)
    assert first.url == "https://example.org/envoys" and first.raw_type == "json"
    assert first.raw == lines[0].encode() and first.input_name == "batch.jsonl:1"
    second = out[2]
    assert isinstance(second, Article) and second.id == article_id_for(None, BODY + " More.")
    errors = [x for x in out if isinstance(x, IngestError)]
    assert [e.line for e in errors] == [2, 5, 6, 7, 8]
    assert str(errors[0]).startswith("batch.jsonl:2: invalid JSON")
    assert "not an object" in errors[1].problem and "neither" in errors[2].problem
    assert "YYYY-MM-DD" in errors[3].problem and "'text' must be a string" in errors[4].problem
    assert errors[0].raw == b"{not json"
    html = out[-1]
    assert isinstance(html, Article)
    assert html.title == "Given title" and html.published == date(2024, 1, 2)  # the record wins
    assert [s.heading for s in html.sections] == ["A difficult start", "What comes next"]
    assert html.id == article_id_for("https://news.example.org/2024/03/ministers-meet-geneva", html.text)


def test_invalid_utf8_line_does_not_stop_reading() -> None:
    data = b'{"text": "caf\xe9 ' + b"x" * 10 + b'"}\n' + json.dumps({"text": BODY}).encode()
    out = list(read_jsonl(data, input_name="mixed.jsonl"))
    assert isinstance(out[0], IngestError) and out[0].line == 1 and "UTF-8" in out[0].problem
    assert isinstance(out[1], Article) and out[1].text == BODY


def test_json_array_and_pretty_object() -> None:
    array = json.dumps([{"text": BODY, "id": "x1"}, {"text": ""}], indent=2)
    out = list(read_jsonl(array, input_name="list.json"))
    assert isinstance(out[0], Article) and out[0].id == "x1"
    assert isinstance(out[1], IngestError) and out[1].line == 2
    pretty = json.dumps({"text": BODY, "title": "T"}, indent=2)
    (one,) = list(read_jsonl(pretty.encode(), input_name="one.json"))
    assert isinstance(one, Article) and one.title == "T"


def test_line_over_the_limit() -> None:
    data = json.dumps({"text": "word " * 100}) + "\n" + json.dumps({"text": BODY})
    out = list(read_jsonl(data, input_name="big.jsonl", max_line_bytes=200))
    assert isinstance(out[0], IngestError) and "over the limit" in out[0].problem
    assert isinstance(out[1], Article)
