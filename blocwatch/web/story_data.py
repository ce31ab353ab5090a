"""Data functions for the story and event pages, and the article page's "Same story" block.

Like :mod:`blocwatch.web.data`, each function returns JSON-ready data only: the page and its
``.json`` twin are the same dict, links included.  Stories and deduplicated events come from
:mod:`blocwatch.analytics.stories` (computed on read, cached per watermark).

* ``/stories`` lists the stories newest first (by their last day), by default those reported
  by at least two articles (``?min_articles=1`` lists single reports too);
* ``/stories/{id}`` shows the story's articles across sources and its deduplicated events, each
  with its mentions; an article id of the story, or a former story id, leads there too;
* ``/events/{id}`` shows one deduplicated event: who, what (CAMEO code and meaning), when,
  status and every mention with its evidence sentence.

Evidence links point at the event on the article page (``/articles/{id}#event-{row}``), where
the sentence is shown with its trigger marked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from blocwatch.analytics.relations import QUAD_CLASSES
from blocwatch.analytics.stories import DedupedEvent, Story, dedup_events, find_event, find_story, stories
from blocwatch.store.models import ArticleRow, SourceRow
from blocwatch.web.data import actor_names
from blocwatch.web.layout import mark_parts

__all__ = [
    "CAMEO_ROOTS",
    "article_story",
    "event_data",
    "event_url",
    "headline",
    "stories_data",
    "story_data",
    "story_url",
]

EXCERPT_CHARS = 240
HEADLINE_CHARS = 140

#: CAMEO root codes, in our words (the code list itself is not copied).
CAMEO_ROOTS = {
    "01": "make a public statement", "02": "appeal", "03": "express intent to cooperate",
    "04": "consult", "05": "engage in diplomatic cooperation", "06": "engage in material cooperation",
    "07": "provide aid", "08": "yield", "09": "investigate", "10": "demand", "11": "disapprove",
    "12": "reject", "13": "threaten", "14": "protest", "15": "exhibit military posture",
    "16": "reduce relations", "17": "coerce", "18": "assault", "19": "fight",
    "20": "use unconventional mass violence",
}  # fmt: skip


def story_url(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="-_.~")


def event_url(deduped_id: str) -> str:
    return "/events/" + quote(deduped_id, safe="-_.~")


def evidence_url(article_id: str, row_id: int) -> str:
    return "/articles/" + quote(article_id, safe="-_.~") + f"#event-{row_id}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    return flat[:EXCERPT_CHARS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def headline(title: str, text: str) -> str:
    """The title, or for an untitled article (a bare text dump) its first sentence, shortened."""
    if title:
        return title
    flat = " ".join(text.split())
    end = flat.find(". ")
    first = flat[: end + 1] if 0 < end < HEADLINE_CHARS else flat
    return first if len(first) <= HEADLINE_CHARS else first[:HEADLINE_CHARS].rsplit(" ", 1)[0] + "…"


def _articles(session: Session, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Summaries (title, date, source, link, excerpt) of the articles ``ids``."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    head = func.substr(ArticleRow.text, 1, EXCERPT_CHARS + 40)
    rows = session.execute(
        select(ArticleRow.id, ArticleRow.title, ArticleRow.published, ArticleRow.url, head, SourceRow.name)
        .outerjoin(SourceRow, SourceRow.id == ArticleRow.source_id)
        .where(ArticleRow.id.in_(wanted))
    )
    return {
        str(i): {
            "id": str(i),
            "title": title or "",
            "headline": headline(title or "", text or ""),
            "published": published.isoformat() if published else None,
            "source": source,
            "url": "/articles/" + quote(str(i), safe="-_.~"),
            "original_url": url,
            "excerpt": _excerpt(text or ""),
        }
        for i, title, published, url, text, source in rows
    }


def _days(story: Story) -> int:
    return (story.last - story.first).days + 1 if story.first and story.last else 0


def _story_summary(story: Story, articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    members = [articles[i] for i in story.article_ids if i in articles]
    first = members[0] if members else {}
    return {
        "id": story.id,
        "url": story_url(story.id),
        "title": story.title,
        "headline": story.title or first.get("headline", ""),
        "excerpt": first.get("excerpt", ""),
        "articles": story.size,
        "sources": sorted({m["source"] for m in members if m.get("source")}),
        "first": story.first.isoformat() if story.first else None,
        "last": story.last.isoformat() if story.last else None,
        "days": _days(story),
        "actors": story.actors[:6],
    }


def _page_url(page: int, min_articles: int) -> str:
    query = f"?page={page}" if min_articles == 2 else f"?min_articles={min_articles}&page={page}"
    return "/stories" + query


def stories_data(
    session: Session, page: int = 1, page_size: int = 20, min_articles: int = 2
) -> dict[str, Any]:
    """One page of stories with at least ``min_articles`` articles, newest first."""
    page = max(page, 1)
    every = stories(session)
    listed = [s for s in every if s.size >= min_articles]
    offset = (page - 1) * page_size
    shown = listed[offset : offset + page_size]
    articles = _articles(session, (i for s in shown for i in s.article_ids))
    items = [_story_summary(s, articles) for s in shown]
    more = offset + page_size < len(listed)
    return {
        "page": page,
        "page_size": page_size,
        "min_articles": min_articles,
        "total_stories": len(listed),
        "all_stories": len(every),
        "stories": items,
        "next_page": page + 1 if more else None,
        "next_url": _page_url(page + 1, min_articles) if more else None,
        "previous_url": _page_url(page - 1, min_articles) if page > 1 else None,
        "actor_names": actor_names(session, (a for item in items for a in item["actors"])),
    }


def _status(event: DedupedEvent) -> str:
    return "negated" if event.negated else "hypothetical" if event.hypothetical else "fact"


def _event_view(event: DedupedEvent, articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A deduplicated event for a page: what it is, and each mention with its evidence link."""
    mentions = []
    for ev in event.evidence:
        article = articles.get(ev["article_id"], {})
        mentions.append({
            "row": ev["event_id"],
            "article_id": ev["article_id"],
            "article_title": ev["article_title"],
            "article_headline": article.get("headline") or ev["article_title"],
            "article_source": article.get("source"),
            "published": ev["published"],
            "source_actor": ev["source_actor"],
            "target_actor": ev["target_actor"],
            "sentence": ev["sentence"],
            "start": ev["start"],
            "end": ev["end"],
            "trigger": ev["trigger"],
            "parts": mark_parts(ev["sentence"], [ev["trigger"]] if ev["trigger"] else []),
            "url": evidence_url(ev["article_id"], ev["event_id"]),
        })  # fmt: skip
    return {
        "id": event.id,
        "url": event_url(event.id),
        "key": event.key,
        "source": event.source,
        "target": event.target,
        "cameo": event.cameo,
        "cameo_label": CAMEO_ROOTS.get(event.cameo[:2], ""),
        "plover": event.plover,
        "quad_class": event.quad_class,
        "quad_label": QUAD_CLASSES.get(event.quad_class, ""),
        "intensity": event.intensity,
        "date": event.day.isoformat() if event.day else None,
        "week": event.key.split("|")[3],
        "status": _status(event),
        "mentions": event.mentions,
        "articles": event.articles,
        "evidence": mentions,
    }


def _sides(events: Iterable[dict[str, Any]]) -> list[str | None]:
    """Every actor id an event view names: its rolled-up sides and each mention's stored sides."""
    ids: list[str | None] = []
    for e in events:
        ids += [e["source"], e["target"]]
        ids += [m[k] for m in e["evidence"] for k in ("source_actor", "target_actor")]
    return ids


def story_data(session: Session, story_or_article_id: str) -> dict[str, Any] | None:
    """A story with its articles and deduplicated events; None when no story has this id."""
    story = find_story(session, story_or_article_id)
    if story is None:
        return None
    articles = _articles(session, story.article_ids)
    members = [articles[i] for i in story.article_ids if i in articles]
    folded = dedup_events(session, article_ids=story.article_ids)
    # What most reports of the story tell comes first; background facts sink.
    folded.sort(key=lambda e: (-e.articles, -e.mentions, e.day or date.max, e.id))
    events = [_event_view(e, articles) for e in folded]
    return {
        "story": _story_summary(story, articles),
        "requested": story_or_article_id,
        "articles": members,
        "events": events,
        "events_total": len(events),
        "mentions_total": sum(e["mentions"] for e in events),
        "actor_names": actor_names(session, [*story.actors, *_sides(events)]),
    }


def event_data(session: Session, deduped_id: str) -> dict[str, Any] | None:
    """One deduplicated event with every mention and the stories it was reported in."""
    event = find_event(session, deduped_id)
    if event is None:
        return None
    articles = _articles(session, (ev["article_id"] for ev in event.evidence))
    view = _event_view(event, articles)
    found: dict[str, Story] = {}
    for article_id in dict.fromkeys(ev["article_id"] for ev in event.evidence):
        story = find_story(session, article_id)
        if story is not None:
            found.setdefault(story.id, story)
    members = _articles(session, (i for s in found.values() for i in s.article_ids))
    return {
        "event": view,
        "stories": [_story_summary(s, members) for s in found.values()],
        "actor_names": actor_names(session, _sides([view])),
    }


def article_story(session: Session, article_id: str) -> tuple[dict[str, Any] | None, dict[int, str]]:
    """The article page's "Same story" block (None when the article is its story's only report)
    and ``{event row id: deduplicated event id}`` for the article's events."""
    folded = dedup_events(session, article_ids=[article_id])
    ids = {ev["event_id"]: d.id for d in folded for ev in d.evidence}
    story = find_story(session, article_id)
    if story is None or story.size < 2:
        return None, ids
    articles = _articles(session, story.article_ids)
    others = [articles[i] for i in story.article_ids if i in articles and i != article_id]
    return {**_story_summary(story, articles), "others": others}, ids
