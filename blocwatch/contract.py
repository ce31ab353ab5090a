"""``blocwatch analyze``: the stable machine contract, JSON lines in and JSON lines out.

Input, one record per line: ``{"id", "text", "title"?, "date"? (YYYY-MM-DD), "url"?}``.
Output, one line per input line, same order: the analysis (see README, "The analyze contract"),
or ``{"id", "error"}`` for a bad line; the run goes on.  It never touches the database.

The record's ``text`` may be a whole page dump (title, date line, contents, furniture), so it is
first read by :func:`blocwatch.ingest.parse_text_page`; the NLP runs on the clean body and every
offset is mapped back so that in the output *offsets index the record's ``text``*, as promised.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from blocwatch.ingest import parse_text_page
from blocwatch.nlp.parallel import ordered_parallel_map, usable_workers
from blocwatch.nlp.pipeline import Pipeline
from blocwatch.records import Analysis, Article

__all__ = ["OffsetMap", "analyze_lines", "record_to_article"]


class ContractError(ValueError):
    """A bad input record; the message names the problem."""


@dataclass(slots=True)
class OffsetMap:
    """Maps offsets in a derived text (the extracted body) back to the text it came from.

    The body is made of pieces (paragraphs) copied verbatim from the original; each piece is
    found in the original in order, and an offset moves with the piece that holds it.
    """

    body_starts: list[int]
    body_ends: list[int]
    orig_starts: list[int]

    @classmethod
    def build(cls, original: str, body: str) -> OffsetMap:
        body_starts, body_ends, orig_starts = [], [], []
        cursor, pos = 0, 0
        for piece in body.split("\n\n"):
            if piece:
                found = original.find(piece, cursor)
                if found < 0:
                    found = original.find(piece.strip()[:40], cursor)
                if found >= 0:
                    body_starts.append(pos)
                    body_ends.append(pos + len(piece))
                    orig_starts.append(found)
                    cursor = found + len(piece)
            pos += len(piece) + 2
        return cls(body_starts, body_ends, orig_starts)

    def __call__(self, offset: int, end: bool = False) -> int:
        if not self.body_starts:
            return offset
        # An end offset belongs to the piece it closes; a start offset to the piece it opens.
        i = bisect_left(self.body_ends, offset) if end else bisect_left(self.body_ends, offset + 1)
        i = min(i, len(self.body_starts) - 1)
        return self.orig_starts[i] + (offset - self.body_starts[i])


def record_to_article(record: dict[str, Any]) -> Article:
    if not isinstance(record, dict):
        raise ContractError("a record must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ContractError('"text" is missing or empty')
    record_id = str(record.get("id", ""))
    article = parse_text_page(text, input_name=record_id or None)
    article.id = record_id
    if isinstance(record.get("title"), str) and record["title"].strip():
        article.title = record["title"].strip()
    if record.get("date"):
        try:
            article.published = date.fromisoformat(str(record["date"])[:10])
        except ValueError as exc:
            raise ContractError(f'"date" {record["date"]!r} is not YYYY-MM-DD') from exc
    if isinstance(record.get("url"), str):
        article.url = record["url"]
    return article


def _remap(analysis: Analysis, original: str) -> dict[str, Any]:
    out = analysis.contract()
    if analysis.article.text == original:
        return out
    m = OffsetMap.build(original, analysis.article.text)
    for item in out["sections"] + out["mentions"] + out["quotes"]:
        item["start"], item["end"] = m(item["start"]), m(item["end"], end=True)
    for event in out["events"]:
        ev = event["evidence"]
        ev["start"], ev["end"] = m(ev["start"]), m(ev["end"], end=True)
    return out


def _parse_lines(lines: Iterable[str]) -> Iterator[tuple[Any, Article | None, str]]:
    """``(record id, article or None, original text or the error)`` per non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record_id: Any = None
        try:
            record = json.loads(line)
            record_id = record.get("id") if isinstance(record, dict) else None
            article = record_to_article(record)
            yield record_id, article, record["text"]
        except (json.JSONDecodeError, ContractError, UnicodeError) as exc:
            yield record_id, None, f"line {number}: {exc}"


def analyze_lines(
    lines: Iterable[str], pipeline: Pipeline, batch_size: int = 4, workers: int = 1
) -> Iterator[dict]:
    """One output dict per input line, in order; bad lines give ``{"id", "error"}``.

    ``workers`` > 1 (0 = every core) analyses batches in forked processes
    (:mod:`blocwatch.nlp.parallel`); the output order is the input order either way.
    """
    run = partial(_analyze_items, pipeline)
    yield from ordered_parallel_map(run, _parse_lines(lines), batch_size, usable_workers(workers))


def _analyze_items(pipeline: Pipeline, items: list[tuple[Any, Article | None, str]]) -> list[dict]:
    articles = [a for _, a, _ in items if a is not None]
    analyses = iter(pipeline.analyze_many(articles, batch_size=len(articles) or 1))
    out: list[dict] = []
    for record_id, article, extra in items:
        if article is None:
            out.append({"id": record_id, "error": extra})
        else:
            out.append(_remap(next(analyses), extra))
    return out
