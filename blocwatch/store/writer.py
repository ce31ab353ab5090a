"""The write path: one :class:`~blocwatch.records.Analysis` into the tables, in the caller's transaction.

:func:`write_analysis` is idempotent.  An incoming article is the *same* article as a stored one
when it has the same id, the same identity URL (``canonical_url`` else ``url``, normalised by
:func:`url_key`) or the same ``content_hash``, tried in that order.  The stored row is then
updated in place and its sections, mentions, quotes, events and actor links are replaced; its id,
identity URL and first ``ingested_at`` are kept so links to it stay valid.  When the id/URL match
and the content-hash match are two *different* stored articles the save is refused
(:class:`DuplicateContentError`) rather than silently merging them.

Actors are upserted with ``INSERT ... ON CONFLICT DO UPDATE`` (SQLite and PostgreSQL), so two
processes saving the same actor cannot collide.  An actor id referenced by a mention, quote or
event but missing from ``analysis.actors`` and from the table gets a placeholder row (name = id),
which a later analysis that does list the actor overwrites; referential integrity is kept either way.

Each event is written with the day the timelines put it on (``events.day``, resolved from its
``event_date`` and the article's ``published`` by :func:`blocwatch.store.event_days.event_day`),
and the per-pair per-day summary ``event_days`` is moved from the old events' contribution to the
new ones' in the same transaction (see :mod:`blocwatch.store.event_days`).

Invalid values are refused by the database's CHECK constraints (spans, quad class, intensity)
or by :func:`_event_date` here; the caller's transaction then rolls back as a whole.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from blocwatch.ingest.dedup import canonical_url
from blocwatch.records import Actor, Analysis, Article
from blocwatch.store.event_days import apply_change, contributions, event_day, stored_contributions
from blocwatch.store.models import (
    ActorRow,
    ArticleActorRow,
    ArticleRow,
    EventRow,
    MentionRow,
    QuoteRow,
    SectionRow,
    SourceRow,
    compress,
)

__all__ = [
    "DuplicateContentError",
    "InvalidRecordError",
    "SaveResult",
    "StoreError",
    "get_or_create_source",
    "upsert_actors",
    "url_key",
    "write_analysis",
]


class StoreError(Exception):
    """A save the store refused; the database is unchanged."""


class InvalidRecordError(StoreError, ValueError):
    """A record with a value the schema does not allow (a bad span, quad class, date ...)."""


class DuplicateContentError(StoreError):
    """The article's text is already stored under another article than the one its id/URL names."""


@dataclass(frozen=True, slots=True)
class SaveResult:
    article_id: str
    created: bool


# A day, a month, a year, or an ISO week ("last week" has no truthful day or month: TimeML's form).
_ISO_PARTIAL = re.compile(
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|-W(0[1-9]|[1-4]\d|5[0-3]))?$"
)


def url_key(url: str | None) -> str | None:
    """The identity form of a URL: :func:`blocwatch.ingest.dedup.canonical_url` (courlan: lower-case
    scheme and host, no fragment, default port or tracking parameters, sorted query).  Paths are
    kept as they are (they are case-sensitive on most sites)."""
    return canonical_url(url)


def _now() -> datetime:
    return datetime.now(UTC)


def _source_kind(ident: str) -> str:
    if re.match(r"^https?://", ident, re.IGNORECASE):
        return "url"
    if ident.startswith(("/", "./", "../", "~")) or "\\" in ident:
        return "file"
    return "name"


def get_or_create_source(
    session: Session, ident: str, name: str | None = None, kind: str | None = None
) -> int:
    """The id of the source identified by ``ident`` (a URL, path or name), created if new."""
    ident = ident.strip()
    if not ident:
        raise InvalidRecordError("a source needs a non-empty URL, path or name")
    found = session.scalar(select(SourceRow.id).where(SourceRow.url == ident))
    if found is not None:
        return found
    if name is None:
        name = (urlsplit(ident).hostname or ident) if _source_kind(ident) == "url" else ident
    row = SourceRow(name=name, url=ident, kind=kind or _source_kind(ident), created_at=_now())
    # A savepoint, so a concurrent creator's row makes us re-read instead of failing the save.
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = session.scalar(select(SourceRow.id).where(SourceRow.url == ident))
        if found is None:
            raise
        return found
    return row.id


def _dialect_insert(session: Session) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    raise StoreError(f"unsupported database back end {name!r}: use SQLite or PostgreSQL")


def _actor_values(actor: Actor) -> dict[str, str]:
    if not isinstance(actor.id, str) or not actor.id.strip():
        raise InvalidRecordError(f"actor with an empty id: {actor!r}")
    return {
        "id": actor.id,
        "name": actor.name or actor.id,
        "kind": actor.kind or "unknown",
        "country": actor.country or "",
        "sector": actor.sector or "",
        "role": actor.role or "",
        "cameo": actor.cameo or "",
    }


def upsert_actors(session: Session, actors: list[Actor]) -> None:
    """Insert or update ``actors`` by id (the last one wins when an id repeats)."""
    values = list({a["id"]: a for a in (_actor_values(actor) for actor in actors)}.values())
    if not values:
        return
    stmt = _dialect_insert(session)(ActorRow)
    update = {c: getattr(stmt.excluded, c) for c in ("name", "kind", "country", "sector", "role", "cameo")}
    session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=update), values)


def _placeholder_actors(session: Session, ids: set[str]) -> None:
    if not ids:
        return
    values = []
    for actor_id in sorted(ids):
        prefix = actor_id.split(":", 1)[0] if ":" in actor_id else ""
        kind = {"person": "person", "org": "organisation", "group": "group"}.get(prefix, "unknown")
        values.append(
            {
                "id": actor_id,
                "name": actor_id,
                "kind": kind,
                "country": "",
                "sector": "",
                "role": "",
                "cameo": "",
            }
        )
    stmt = _dialect_insert(session)(ActorRow).on_conflict_do_nothing(index_elements=["id"])
    session.execute(stmt, values)


def _published(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise InvalidRecordError(f"article published date is not a date: {value!r}")


def _event_date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, str) and _ISO_PARTIAL.match(value):
        return value
    raise InvalidRecordError(f"event date must be ISO YYYY[-MM[-DD]] or YYYY-Www, got {value!r}")


def _check_spans(analysis: Analysis) -> None:
    """Every span must lie inside the article text: the web page slices the text with them.
    (The database checks only ``0 <= start <= end``; it does not know the text's length.)"""
    size = len(analysis.article.text)
    spans: list[tuple[str, Any, Any]] = [("section", x.start, x.end) for x in analysis.article.sections]
    spans += [("mention", x.start, x.end) for x in analysis.mentions]
    spans += [("quote", x.start, x.end) for x in analysis.quotes]
    spans += [("event evidence", x.evidence.start, x.evidence.end) for x in analysis.events]
    for what, start, end in spans:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= size):
            raise InvalidRecordError(
                f"article {analysis.article.id!r}: {what} span {start!r}..{end!r} is not inside "
                f"the text (0..{size})"
            )


def _tone(value: Any, what: str) -> float | None:
    """A tone in [-10, 10] or ``None``; anything else is refused, naming the field."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not -10.0 <= value <= 10.0:
        raise InvalidRecordError(f"{what}: {value!r} is not a number in [-10, 10]")
    return float(value)


def _actor_ref(value: Any, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidRecordError(f"{what} must be an actor id string, got {value!r}")
    return value


def _find_existing(session: Session, article: Article, key: str | None, digest: str) -> ArticleRow | None:
    # FOR UPDATE (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers): a concurrent
    # re-save of the same article waits here until this one commits, then sees its children.
    by_id = session.get(ArticleRow, article.id, with_for_update=True)
    by_url = (
        session.scalar(select(ArticleRow).where(ArticleRow.canonical_url == key).with_for_update())
        if key is not None
        else None
    )
    by_hash = session.scalar(select(ArticleRow).where(ArticleRow.content_hash == digest).with_for_update())
    primary = by_id or by_url or by_hash
    for other in (by_url, by_hash):
        if primary is not None and other is not None and other.id != primary.id:
            raise DuplicateContentError(
                f"article {article.id!r} matches stored article {primary.id!r} by id or URL but "
                f"stored article {other.id!r} by URL or identical text; refusing to merge them"
            )
    return primary


def write_analysis(session: Session, analysis: Analysis, source: str | None = None) -> SaveResult:
    """Write ``analysis`` in ``session``'s open transaction (the caller commits or rolls back)."""
    article = analysis.article
    if not isinstance(article.id, str) or not article.id.strip():
        raise InvalidRecordError("article has no id")
    if not isinstance(article.text, str) or not article.text.strip():
        raise InvalidRecordError(f"article {article.id!r} has no text")
    now = _now()
    key = url_key(article.canonical_url or article.url)
    digest = article.content_hash
    row = _find_existing(session, article, key, digest)
    ident = source or article.source
    if not ident and key and key.startswith(("http://", "https://")):
        parts = urlsplit(key)
        ident = f"{parts.scheme}://{parts.netloc}/"  # the site, when nothing better is known
    source_id = get_or_create_source(session, ident) if ident else None
    created = row is None
    if row is None:
        row = ArticleRow(id=article.id, canonical_url=key, ingested_at=now)
        session.add(row)
    elif row.canonical_url is None:
        row.canonical_url = key
    if source_id is not None:
        row.source_id = source_id
    row.url = article.url or row.url
    row.title = article.title or ""
    row.published = _published(article.published)
    row.modified = _published(article.modified)
    row.authors = [str(a) for a in article.authors]
    row.language = article.language
    row.text = article.text
    row.content_hash = digest
    if article.raw is not None:
        row.raw, row.raw_type = compress(article.raw), article.raw_type
    row.input_name = article.input_name or row.input_name
    row.analysed_at = now
    row.tone = _tone(analysis.tone, f"article {article.id!r} tone")
    session.flush()
    _replace_children(session, row.id, analysis, row.published)
    session.flush()
    return SaveResult(article_id=row.id, created=created)


def _replace_children(session: Session, article_id: str, analysis: Analysis, published: date | None) -> None:
    _check_spans(analysis)
    # What the old events added to the per-day summary, read before they are deleted.
    old_days = stored_contributions(session, [article_id])
    for table in (SectionRow, MentionRow, QuoteRow, EventRow, ArticleActorRow):
        session.execute(delete(table).where(table.article_id == article_id))

    mentions: list[dict[str, Any]] = [
        {
            "article_id": article_id,
            "sentence_index": m.sentence_index,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "label": m.label,
            "actor_id": _actor_ref(m.actor, "mention actor"),
        }
        for m in analysis.mentions
    ]
    quotes: list[dict[str, Any]] = [
        {
            "article_id": article_id,
            "speaker": q.speaker,
            "speaker_actor_id": _actor_ref(q.speaker_actor, "quote speaker_actor"),
            "affiliation": q.affiliation,
            "content": q.content,
            "start": q.start,
            "end": q.end,
            "direct": bool(q.direct),
            "cue": q.cue or "",
            "sentence_index": q.evidence.sentence_index if q.evidence else None,
        }
        for q in analysis.quotes
    ]
    events: list[dict[str, Any]] = [
        {
            "article_id": article_id,
            "position": i,
            "source_actor_id": _actor_ref(e.source, "event source"),
            "target_actor_id": _actor_ref(e.target, "event target"),
            "source_cameo": e.source_cameo or "",
            "target_cameo": e.target_cameo or "",
            "plover": e.plover,
            "cameo": e.cameo,
            "quad_class": e.quad_class,
            "intensity": e.intensity,
            "negated": bool(e.negated),
            "hypothetical": bool(e.hypothetical),
            "event_date": _event_date(e.date),
            "location": e.location,
            "trigger": e.trigger or "",
            "sentence": e.evidence.sentence,
            "sentence_index": e.evidence.sentence_index,
            "sentence_start": e.evidence.start,
            "sentence_end": e.evidence.end,
            "tone": _tone(e.tone, f"event {i} tone"),
        }
        for i, e in enumerate(analysis.events)
    ]
    for e in events:
        e["day"], e["day_approximate"] = event_day(e["event_date"], published)

    # Actors first: the child rows reference them.
    upsert_actors(session, analysis.actors)
    counts = Counter(m["actor_id"] for m in mentions if m["actor_id"])
    linked = set(counts) | {a.id for a in analysis.actors}
    linked |= {q["speaker_actor_id"] for q in quotes if q["speaker_actor_id"]}
    linked |= {e[k] for e in events for k in ("source_actor_id", "target_actor_id") if e[k]}
    listed = {a.id for a in analysis.actors}
    _placeholder_actors(session, linked - listed)

    sections = [
        {"article_id": article_id, "position": i, "heading": s.heading, "start": s.start, "end": s.end}
        for i, s in enumerate(analysis.article.sections)
    ]
    links = [
        {"article_id": article_id, "actor_id": a, "mention_count": counts.get(a, 0)} for a in sorted(linked)
    ]
    for table, values in (
        (SectionRow, sections),
        (MentionRow, mentions),
        (QuoteRow, quotes),
        (EventRow, events),
        (ArticleActorRow, links),
    ):
        if values:
            session.execute(insert(table), values)
    apply_change(session, old_days, contributions(events))
