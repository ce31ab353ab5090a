"""The read side: plain functions over a Session that return JSON-ready dicts and lists.

One function per question a page asks, shared by the HTML pages and the JSON API (datasette
style: the JSON twin of a page is exactly what its template was given).  Dates and times come out
as ISO strings, raw input bytes never come out.  Lists take ``limit``/``offset`` and have a
``count_*`` companion for pagination.

"Newest first" for articles means publication date (undated articles last), then ingestion time.
For events it means the event's own date (possibly partial, e.g. "2024-08"; it sorts as text),
then the article's.  Actor lists rank by mentions, read from the ``article_actors`` index that the
writer keeps, so none of these queries scans ``mentions``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from blocwatch.store.models import (
    ActorRow,
    ArticleActorRow,
    ArticleRow,
    EventRow,
    MentionRow,
    QuoteRow,
    SectionRow,
    SourceRow,
)

__all__ = [
    "actor_articles",
    "actor_events",
    "actor_pairs",
    "anchor_for",
    "count_actor_articles",
    "count_actor_events",
    "count_actors",
    "count_articles",
    "get_actor",
    "get_article",
    "latest_articles",
    "list_actors",
    "related_articles",
]

TOP_ACTORS = 5
EXCERPT_CHARS = 280


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # SQLite returns naive datetimes; we write UTC
    return value.isoformat()


def anchor_for(heading: str, used: set[str] | None = None) -> str:
    """A URL fragment for a heading: ASCII slug, unique within ``used`` (which it updates)."""
    ascii_text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or "section"
    if used is None:
        return slug
    anchor, n = slug, 2
    while anchor in used:
        anchor, n = f"{slug}-{n}", n + 1
    used.add(anchor)
    return anchor


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    cut = flat[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def _newest_articles() -> tuple[Any, ...]:
    return (
        ArticleRow.published.is_(None),
        ArticleRow.published.desc(),
        ArticleRow.ingested_at.desc(),
        ArticleRow.id.desc(),
    )


def _summary_select() -> Select[Any]:
    return select(
        ArticleRow.id,
        ArticleRow.title,
        ArticleRow.published,
        ArticleRow.url,
        ArticleRow.canonical_url,
        ArticleRow.ingested_at,
        func.substr(ArticleRow.text, 1, EXCERPT_CHARS + 40).label("head"),
        SourceRow.name.label("source"),
    ).outerjoin(SourceRow, SourceRow.id == ArticleRow.source_id)


def _top_actors(session: Session, article_ids: list[str]) -> dict[str, list[str]]:
    if not article_ids:
        return {}
    rows = session.execute(
        select(ArticleActorRow.article_id, ArticleActorRow.actor_id)
        .where(ArticleActorRow.article_id.in_(article_ids))
        .order_by(ArticleActorRow.mention_count.desc(), ArticleActorRow.actor_id)
    )
    top: dict[str, list[str]] = {a: [] for a in article_ids}
    for article_id, actor_id in rows:
        if len(top[article_id]) < TOP_ACTORS:
            top[article_id].append(actor_id)
    return top


def _summaries(session: Session, rows: list[Any], **extra: dict[str, Any]) -> list[dict[str, Any]]:
    top = _top_actors(session, [r.id for r in rows])
    out = []
    for r in rows:
        item = {
            "id": r.id,
            "title": r.title,
            "published": _iso(r.published),
            "source": r.source,
            "url": r.url or r.canonical_url,
            "excerpt": _excerpt(r.head or ""),
            "ingested_at": _iso(r.ingested_at),
            "actors": top.get(r.id, []),
        }
        for key, values in extra.items():
            item[key] = values.get(r.id)
        out.append(item)
    return out


def latest_articles(session: Session, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """Articles newest first: id, title, published, source, url, excerpt, actors (top ids)."""
    rows = list(session.execute(_summary_select().order_by(*_newest_articles()).limit(limit).offset(offset)))
    return _summaries(session, rows)


def count_articles(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ArticleRow)) or 0)


def _actor_dict(a: ActorRow) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind,
        "country": a.country,
        "sector": a.sector,
        "role": a.role,
        "cameo": a.cameo,
    }


def _event_dict(e: EventRow) -> dict[str, Any]:
    return {
        "id": e.id,
        "source": e.source_actor_id,
        "target": e.target_actor_id,
        "source_cameo": e.source_cameo,
        "target_cameo": e.target_cameo,
        "plover": e.plover,
        "cameo": e.cameo,
        "quad_class": e.quad_class,
        "intensity": e.intensity,
        "tone": e.tone,
        "negated": e.negated,
        "hypothetical": e.hypothetical,
        "date": e.event_date,
        "location": e.location,
        "trigger": e.trigger,
        "evidence": {
            "sentence": e.sentence,
            "start": e.sentence_start,
            "end": e.sentence_end,
            "sentence_index": e.sentence_index,
        },
    }


def get_article(session: Session, article_id: str) -> dict[str, Any] | None:
    """One article with its sections (with anchors), mentions, actors, quotes and events."""
    found = session.execute(
        select(ArticleRow, SourceRow.name, SourceRow.url)
        .outerjoin(SourceRow, SourceRow.id == ArticleRow.source_id)
        .where(ArticleRow.id == article_id)
    ).first()
    if found is None:
        return None
    a, source_name, source_url = found
    used: set[str] = set()
    sections = [
        {"heading": s.heading, "start": s.start, "end": s.end, "anchor": anchor_for(s.heading, used)}
        for s in session.scalars(
            select(SectionRow).where(SectionRow.article_id == a.id).order_by(SectionRow.position)
        )
    ]
    mentions = [
        {
            "text": m.text,
            "start": m.start,
            "end": m.end,
            "label": m.label,
            "actor": m.actor_id,
            "sentence_index": m.sentence_index,
        }
        for m in session.scalars(
            select(MentionRow).where(MentionRow.article_id == a.id).order_by(MentionRow.start, MentionRow.id)
        )
    ]
    actors = []
    for actor, count in session.execute(
        select(ActorRow, ArticleActorRow.mention_count)
        .join(ArticleActorRow, ArticleActorRow.actor_id == ActorRow.id)
        .where(ArticleActorRow.article_id == a.id)
        .order_by(ArticleActorRow.mention_count.desc(), ActorRow.name)
    ):
        actors.append({**_actor_dict(actor), "mentions": count})
    quotes = [
        {
            "speaker": q.speaker,
            "speaker_actor": q.speaker_actor_id,
            "affiliation": q.affiliation,
            "content": q.content,
            "start": q.start,
            "end": q.end,
            "direct": q.direct,
            "cue": q.cue,
            "sentence_index": q.sentence_index,
        }
        for q in session.scalars(
            select(QuoteRow).where(QuoteRow.article_id == a.id).order_by(QuoteRow.start, QuoteRow.id)
        )
    ]
    events = [
        _event_dict(e)
        for e in session.scalars(
            select(EventRow).where(EventRow.article_id == a.id).order_by(EventRow.position)
        )
    ]
    return {
        "id": a.id,
        "title": a.title,
        "published": _iso(a.published),
        "modified": _iso(a.modified),
        "url": a.url,
        "canonical_url": a.canonical_url,
        "source": source_name,
        "source_url": source_url,
        "authors": list(a.authors or []),
        "language": a.language,
        "text": a.text,
        "content_hash": a.content_hash,
        "input_name": a.input_name,
        "raw_type": a.raw_type,
        "ingested_at": _iso(a.ingested_at),
        "analysed_at": _iso(a.analysed_at),
        "tone": a.tone,
        "sections": sections,
        "mentions": mentions,
        "actors": actors,
        "quotes": quotes,
        "events": events,
    }


def related_articles(
    session: Session, article_id: str, limit: int = 5, fill: bool = True
) -> list[dict[str, Any]]:
    """Other articles sharing the most actors with this one, then the newest; each with ``shared``
    (the number of actors in common).  With ``fill``, newest unrelated articles (``shared`` 0)
    make up the number when fewer than ``limit`` share an actor."""
    mine = aliased(ArticleActorRow)
    theirs = aliased(ArticleActorRow)
    shared = (
        select(theirs.article_id.label("article_id"), func.count().label("shared"))
        .join(mine, and_(mine.actor_id == theirs.actor_id, mine.article_id == article_id))
        .where(theirs.article_id != article_id)
        .group_by(theirs.article_id)
        .subquery()
    )
    rows = list(
        session.execute(
            _summary_select()
            .add_columns(shared.c.shared)
            .join(shared, shared.c.article_id == ArticleRow.id)
            .order_by(shared.c.shared.desc(), *_newest_articles())
            .limit(limit)
        )
    )
    if fill and len(rows) < limit:
        taken = [article_id, *(r.id for r in rows)]
        rows += list(
            session.execute(
                _summary_select()
                .where(ArticleRow.id.not_in(taken))
                .order_by(*_newest_articles())
                .limit(limit - len(rows))
            )
        )
    return _summaries(session, rows, shared={r.id: int(getattr(r, "shared", 0) or 0) for r in rows})


def get_actor(session: Session, actor_id: str) -> dict[str, Any] | None:
    """An actor with its counts: mentions, articles, events (as source / target), quotes."""
    actor = session.get(ActorRow, actor_id)
    if actor is None:
        return None
    mentions, articles = session.execute(
        select(func.coalesce(func.sum(ArticleActorRow.mention_count), 0), func.count()).where(
            ArticleActorRow.actor_id == actor_id
        )
    ).one()
    as_source = session.scalar(select(func.count()).where(EventRow.source_actor_id == actor_id)) or 0
    as_target = session.scalar(select(func.count()).where(EventRow.target_actor_id == actor_id)) or 0
    quotes = session.scalar(select(func.count()).where(QuoteRow.speaker_actor_id == actor_id)) or 0
    return {
        **_actor_dict(actor),
        "counts": {
            "mentions": int(mentions),
            "articles": int(articles),
            "events": count_actor_events(session, actor_id),
            "events_as_source": int(as_source),
            "events_as_target": int(as_target),
            "quotes": int(quotes),
        },
    }


def _involving(actor_id: str) -> Any:
    return or_(EventRow.source_actor_id == actor_id, EventRow.target_actor_id == actor_id)


def actor_events(session: Session, actor_id: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Events with the actor as source or target, newest first, with their article and evidence.

    Newest by the event's own date (a partial date after the full dates in its period); events
    without one by their timeline day (``events.day``: the article's date), undated last; then
    by id.  The page's ids are found on ``events`` alone and only they are joined: sorting the
    joined rows of an actor with 86k events took 5 s at a million events."""
    page = list(session.scalars(
        select(EventRow.id)
        .where(_involving(actor_id))
        .order_by(EventRow.event_date.is_(None), EventRow.event_date.desc(), EventRow.day.is_(None),
                  EventRow.day.desc(), EventRow.id.desc())
        .limit(limit)
        .offset(offset)
    ))
    if not page:
        return []
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    rows = session.execute(
        select(EventRow, ArticleRow.title, ArticleRow.published, src.name, tgt.name)
        .join(ArticleRow, ArticleRow.id == EventRow.article_id)
        .outerjoin(src, src.id == EventRow.source_actor_id)
        .outerjoin(tgt, tgt.id == EventRow.target_actor_id)
        .where(EventRow.id.in_(page))
    )
    found = {
        e.id: {
            **_event_dict(e),
            "source_name": source_name,
            "target_name": target_name,
            "article": {"id": e.article_id, "title": title, "published": _iso(published)},
        }
        for e, title, published, source_name, target_name in rows
    }
    return [found[i] for i in page if i in found]


def count_actor_events(session: Session, actor_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(EventRow).where(_involving(actor_id))) or 0)


def actor_articles(session: Session, actor_id: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """Articles that involve the actor, newest first, each with the actor's ``mentions`` in it."""
    rows = list(
        session.execute(
            _summary_select()
            .add_columns(ArticleActorRow.mention_count)
            .join(ArticleActorRow, ArticleActorRow.article_id == ArticleRow.id)
            .where(ArticleActorRow.actor_id == actor_id)
            .order_by(*_newest_articles())
            .limit(limit)
            .offset(offset)
        )
    )
    return _summaries(session, rows, mentions={r.id: r.mention_count for r in rows})


def count_actor_articles(session: Session, actor_id: str) -> int:
    return int(session.scalar(select(func.count()).where(ArticleActorRow.actor_id == actor_id)) or 0)


def list_actors(session: Session, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Actors by mention count (then articles, then name), with ``mentions`` and ``articles``."""
    stats = (
        select(
            ArticleActorRow.actor_id,
            func.sum(ArticleActorRow.mention_count).label("mentions"),
            func.count().label("articles"),
        )
        .group_by(ArticleActorRow.actor_id)
        .subquery()
    )
    mentions = func.coalesce(stats.c.mentions, 0)
    articles = func.coalesce(stats.c.articles, 0)
    rows = session.execute(
        select(ActorRow, mentions, articles)
        .outerjoin(stats, stats.c.actor_id == ActorRow.id)
        .order_by(mentions.desc(), articles.desc(), ActorRow.name, ActorRow.id)
        .limit(limit)
        .offset(offset)
    )
    return [{**_actor_dict(a), "mentions": int(m), "articles": int(n)} for a, m, n in rows]


def count_actors(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ActorRow)) or 0)


def actor_pairs(session: Session, limit: int = 10, offset: int = 0) -> list[dict[str, Any]]:
    """The most active (source, target) pairs: event count, mean intensity, latest event date."""
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    n = func.count(EventRow.id).label("events")
    rows = session.execute(
        select(
            EventRow.source_actor_id,
            EventRow.target_actor_id,
            src.name,
            tgt.name,
            n,
            func.avg(EventRow.intensity),
            func.max(EventRow.event_date),
        )
        .join(src, src.id == EventRow.source_actor_id)
        .join(tgt, tgt.id == EventRow.target_actor_id)
        .group_by(EventRow.source_actor_id, EventRow.target_actor_id, src.name, tgt.name)
        .order_by(
            n.desc(),
            func.max(EventRow.event_date).is_(None),
            func.max(EventRow.event_date).desc(),
            EventRow.source_actor_id,
            EventRow.target_actor_id,
        )
        .limit(limit)
        .offset(offset)
    )
    return [
        {
            "source": s,
            "target": t,
            "source_name": sn,
            "target_name": tn,
            "events": int(count),
            "mean_intensity": round(float(mean), 2) if mean is not None else None,
            "latest_date": latest,
        }
        for s, t, sn, tn, count, mean, latest in rows
    ]
