"""Analyses to table rows and back: the two ends of a backfill dataset.

:func:`analysis_rows` flattens one :class:`~blocwatch.records.Analysis` into plain dicts, one
list per table of :data:`blocwatch.scale.schema.TABLES`; :func:`error_row` does the same for an
input that failed.  :func:`analysis_from_rows` rebuilds the Analysis from those rows, so the
loader can hand it to :meth:`blocwatch.store.Store.save_analysis` and get exactly what
``blocwatch ingest`` stores for the same input: the same writer, the same idempotency rules.

Rows are checked on the way back in: an article whose ``content_hash`` does not match its text,
or a child row that names an article the dataset does not hold, is a :class:`DatasetError`
naming the article, never a silent partial load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from blocwatch.ingest.errors import IngestError
from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention, Quote, Section

__all__ = ["DatasetError", "analysis_from_rows", "analysis_rows", "error_row"]

Row = dict[str, Any]


class DatasetError(ValueError):
    """A backfill directory whose contents cannot be loaded as they are."""


def analysis_rows(analysis: Analysis) -> dict[str, list[Row]]:
    """The rows of every table for one analysed article."""
    a = analysis.article
    article: Row = {
        "id": a.id, "url": a.url, "canonical_url": a.canonical_url, "source": a.source,
        "title": a.title, "published": a.published, "modified": a.modified,
        "authors": [str(x) for x in a.authors], "language": a.language, "text": a.text,
        "content_hash": a.content_hash,
        "sections": [{"heading": s.heading, "start": s.start, "end": s.end} for s in a.sections],
        "raw": a.raw, "raw_type": a.raw_type, "input_name": a.input_name,
    }  # fmt: skip
    mentions = [
        {"article_id": a.id, "position": i, "sentence_index": m.sentence_index, "start": m.start,
         "end": m.end, "text": m.text, "label": m.label, "actor_id": m.actor}
        for i, m in enumerate(analysis.mentions)
    ]  # fmt: skip
    quotes = [
        {"article_id": a.id, "position": i, "speaker": q.speaker, "speaker_actor_id": q.speaker_actor,
         "affiliation": q.affiliation, "content": q.content, "start": q.start, "end": q.end,
         "direct": bool(q.direct), "cue": q.cue or "",
         "sentence_index": q.evidence.sentence_index if q.evidence else None}
        for i, q in enumerate(analysis.quotes)
    ]  # fmt: skip
    events = [
        {"article_id": a.id, "position": i, "source_actor_id": e.source, "target_actor_id": e.target,
         "source_cameo": e.source_cameo or "", "target_cameo": e.target_cameo or "",
         "plover": e.plover, "cameo": e.cameo, "quad_class": e.quad_class,
         "intensity": float(e.intensity), "negated": bool(e.negated),
         "hypothetical": bool(e.hypothetical), "event_date": _date_text(e.date),
         "location": e.location, "trigger": e.trigger or "", "sentence": e.evidence.sentence,
         "sentence_index": e.evidence.sentence_index, "sentence_start": e.evidence.start,
         "sentence_end": e.evidence.end}
        for i, e in enumerate(analysis.events)
    ]  # fmt: skip
    actors = [
        {"article_id": a.id, "position": i, "id": x.id, "name": x.name, "kind": x.kind,
         "country": x.country, "sector": x.sector, "role": x.role, "cameo": x.cameo}
        for i, x in enumerate(analysis.actors)
    ]  # fmt: skip
    return {"articles": [article], "mentions": mentions, "quotes": quotes, "events": events,
            "actors": actors}  # fmt: skip


def _date_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def error_row(error: IngestError) -> Row:
    """A raw_inputs row: the same input name, bytes and problem ``blocwatch ingest`` would keep."""
    return {"input_name": error.input, "raw": error.raw, "problem": error.problem, "line": error.line}


def _ordered(rows: Sequence[Row] | None) -> list[Row]:
    return sorted(rows or (), key=lambda r: r["position"])


def analysis_from_rows(article: Mapping[str, Any], children: Mapping[str, Sequence[Row]]) -> Analysis:
    """Rebuild the Analysis of one article row and its child rows (by table name)."""
    article_id = article.get("id")
    if not isinstance(article_id, str) or not article_id:
        raise DatasetError(f"an articles row has no id (input {article.get('input_name')!r})")
    text = article.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(f"article {article_id!r} has no text")
    record = Article(
        id=article_id, text=text, title=article.get("title") or "", url=article.get("url"),
        canonical_url=article.get("canonical_url"), source=article.get("source"),
        published=article.get("published"), modified=article.get("modified"),
        authors=list(article.get("authors") or []), language=article.get("language"),
        sections=[Section(s["heading"], int(s["start"]), int(s["end"]))
                  for s in article.get("sections") or []],
        raw=article.get("raw"), raw_type=article.get("raw_type"), input_name=article.get("input_name"),
    )  # fmt: skip
    if article.get("content_hash") and article["content_hash"] != record.content_hash:
        raise DatasetError(f"article {article_id!r}: content_hash does not match its text (damaged file?)")
    mentions = [
        Mention(text=m["text"], start=m["start"], end=m["end"], label=m["label"], actor=m["actor_id"],
                sentence_index=m["sentence_index"])
        for m in _ordered(children.get("mentions"))
    ]  # fmt: skip
    quotes = [
        Quote(speaker=q["speaker"], content=q["content"], start=q["start"], end=q["end"],
              direct=bool(q["direct"]), cue=q["cue"] or "", speaker_actor=q["speaker_actor_id"],
              affiliation=q["affiliation"],
              evidence=Evidence(q["content"], q["start"], q["end"], article_id, q["sentence_index"]))
        for q in _ordered(children.get("quotes"))
    ]  # fmt: skip
    events = [
        Event(source=e["source_actor_id"], target=e["target_actor_id"], plover=e["plover"],
              cameo=e["cameo"], quad_class=e["quad_class"], intensity=e["intensity"],
              evidence=Evidence(e["sentence"], e["sentence_start"], e["sentence_end"], article_id,
                                e["sentence_index"]),
              source_cameo=e["source_cameo"] or "", target_cameo=e["target_cameo"] or "",
              negated=bool(e["negated"]), hypothetical=bool(e["hypothetical"]),
              date=e["event_date"], location=e["location"], trigger=e["trigger"] or "")
        for e in _ordered(children.get("events"))
    ]  # fmt: skip
    actors = [
        Actor(id=x["id"], name=x["name"], kind=x["kind"], country=x["country"] or "",
              sector=x["sector"] or "", role=x["role"] or "", cameo=x["cameo"] or "")
        for x in _ordered(children.get("actors"))
    ]  # fmt: skip
    return Analysis(article=record, mentions=mentions, actors=actors, quotes=quotes, events=events)
