"""One data function per page: the single source of both the HTML page and its JSON twin.

Datasette style: ``/articles/{id}`` renders ``article.html`` from ``article_data(session, id)``
and ``/articles/{id}.json`` (or the same path with ``Accept: application/json``) returns exactly
that dict.  Each function therefore returns JSON-ready data only (str, int, float, bool, None,
lists, dicts; dates as ISO strings) and never anything that depends on the request.

The functions sit on top of the store's read API (:mod:`blocwatch.store.queries`) and add what a
page needs beyond it: pagination (``next_page``), the article's contents and body blocks,
highlighted evidence, actor names for event endpoints, and the "most active actor pairs"
aggregate of the home page, which the store's query module does not offer (it is written here
over the store's ``EventRow`` and ``ActorRow`` models).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from blocwatch.analytics.related import related_summaries
from blocwatch.knowledge import shared_knowledge_base
from blocwatch.store import queries
from blocwatch.store.models import ActorRow, EventRow
from blocwatch.web.layout import contents_and_body, link_parts, mark_parts

__all__ = [
    "home_data",
    "article_data",
    "actor_data",
    "actors_data",
    "active_pairs",
    "actor_names",
    "health_data",
]


def _offset(page: int, page_size: int) -> int:
    return (max(page, 1) - 1) * page_size


def actor_names(session: Session, ids: Iterable[str | None]) -> dict[str, str]:
    """``{actor id: name}`` for the given ids (unknown ids are left out)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = session.execute(select(ActorRow.id, ActorRow.name).where(ActorRow.id.in_(wanted)))
    return {str(r.id): str(r.name) for r in rows}


def active_pairs(session: Session, limit: int = 10) -> list[dict[str, Any]]:
    """The directed (source, target) actor pairs with the most events, busiest first.

    Only events that are asserted as having happened count: negated ("did not meet") and
    hypothetical ("could sanction") events are evidence of talk, not of activity between the
    pair.  Self-pairs are left out.  Ties are broken by the most recent event date, then ids, so
    the order is stable.
    """
    e = EventRow
    count = func.count().label("events")
    last = func.max(e.event_date).label("last_date")
    query = (
        select(e.source_actor_id, e.target_actor_id, count, func.avg(e.intensity).label("mean"), last)
        .where(
            e.source_actor_id.is_not(None),
            e.target_actor_id.is_not(None),
            e.source_actor_id != e.target_actor_id,
            or_(e.negated.is_(None), e.negated == false()),
            or_(e.hypothetical.is_(None), e.hypothetical == false()),
        )
        .group_by(e.source_actor_id, e.target_actor_id)
        .order_by(count.desc(), last.desc(), e.source_actor_id, e.target_actor_id)
        .limit(limit)
    )
    rows = list(session.execute(query))
    names = actor_names(session, [r.source_actor_id for r in rows] + [r.target_actor_id for r in rows])
    return [
        {
            "source": {"id": r.source_actor_id, "name": names.get(r.source_actor_id, r.source_actor_id)},
            "target": {"id": r.target_actor_id, "name": names.get(r.target_actor_id, r.target_actor_id)},
            "events": int(r.events),
            "mean_intensity": round(float(r.mean), 2) if r.mean is not None else None,
            "last_date": r.last_date,  # ISO text, possibly partial ("2024-08")
        }
        for r in rows
    ]


def _item_actor_ids(items: Iterable[dict[str, Any]]) -> list[str]:
    """Actor ids listed on article list items (the store gives ids, or dicts with an ``id``)."""
    ids: list[str] = []
    for item in items:
        for actor in item.get("actors") or []:
            ids.append(actor["id"] if isinstance(actor, dict) else str(actor))
    return ids


def home_data(
    session: Session, page: int = 1, page_size: int = 20, *, analytics: bool = True
) -> dict[str, Any]:
    """The home page: one page of the latest articles and the most active actor pairs.

    ``analytics=False`` skips the pairs (the HTMX "Show more" fragment only needs articles).
    """
    page = max(page, 1)
    total = queries.count_articles(session)
    articles = queries.latest_articles(session, limit=page_size, offset=_offset(page, page_size))
    data: dict[str, Any] = {
        "page": page,
        "page_size": page_size,
        "total_articles": total,
        "articles": articles,
        "next_page": page + 1 if page * page_size < total else None,
        "actor_names": actor_names(session, _item_actor_ids(articles)),
    }
    if analytics:
        # Generated briefs with the newest evidence (imported here: brief_data imports render).
        from blocwatch.web.brief_data import latest_briefs

        data["latest_briefs"] = latest_briefs(session)
        data["active_pairs"] = active_pairs(session)
    return data


def _event_view(event: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """An event dict with its evidence cut into marked ``parts`` around the trigger."""
    evidence = dict(event.get("evidence") or {})
    sentence = evidence.get("sentence") or ""
    if not sentence and text is not None and evidence.get("end"):
        sentence = text[int(evidence.get("start") or 0) : int(evidence["end"])]
        evidence["sentence"] = sentence
    trigger = event.get("trigger") or ""
    evidence["parts"] = mark_parts(sentence, [trigger] if trigger else [])
    return {**event, "evidence": evidence}


def article_data(session: Session, article_id: str, related_limit: int = 5) -> dict[str, Any] | None:
    """The article page, or ``None`` when there is no such article."""
    article = queries.get_article(session, article_id)
    if article is None:
        return None
    text = article.get("text") or ""
    contents, body = contents_and_body(text, article.get("sections") or [])
    mentions = article.get("mentions") or []
    for block in body:
        # Names of resolved actors in the body become links to their pages.
        if block["kind"] == "paragraph":
            block["parts"] = link_parts(text, block["start"], block["end"], mentions)
    events = [_event_view(e, text) for e in article.get("events") or []]
    names = {a["id"]: a["name"] for a in article.get("actors") or []}
    # Event endpoints and quote speakers may be actors that are not in the article's own list.
    missing = [e.get(k) for e in events for k in ("source", "target")]
    missing += [q.get(k) for q in article.get("quotes") or [] for k in ("speaker_actor", "affiliation")]
    # "You may also like": nearest articles by TF-IDF cosine (blocwatch.analytics.related).
    related = related_summaries(session, article_id, limit=related_limit)
    missing += _item_actor_ids(related)
    names.update(actor_names(session, [i for i in missing if i and i not in names]))
    for actor_id in missing:
        known = _known_actor(actor_id) if actor_id and actor_id not in names else None
        if known is not None:
            names[str(actor_id)] = known["name"]
    # "Same story" and each event's deduplicated id (imported here: story_data imports this module).
    from blocwatch.web.story_data import article_story

    story, deduped = article_story(session, article_id)
    for event in events:
        event["event_id"] = deduped.get(event["id"])
    return {
        "article": {**article, "events": events},
        "contents": contents,
        "body": body,
        "actor_names": names,
        "related": related,
        "story": story,
    }


def actor_data(
    session: Session, actor_id: str, page: int = 1, page_size: int = 20, articles_limit: int = 20
) -> dict[str, Any] | None:
    """An actor's profile with one page of its events (newest first) and its latest articles."""
    actor = queries.get_actor(session, actor_id) or _known_actor(actor_id)
    if actor is None:
        return None
    page = max(page, 1)
    # One row more than a page tells whether there is a next page without a count query.
    rows = queries.actor_events(session, actor_id, limit=page_size + 1, offset=_offset(page, page_size))
    events = [_event_view(e) for e in rows[:page_size]]
    articles = queries.actor_articles(session, actor_id, limit=articles_limit, offset=0)
    ids = [e.get(k) for e in events for k in ("source", "target")] + _item_actor_ids(articles)
    # Partners and rivals with a relations chart (imported here: pair_data imports this module).
    from blocwatch.web.pair_data import actor_relations

    relations = actor_relations(session, actor_id)
    ids += [item["id"] for key in ("partners", "rivals") for item in relations[key]]
    names = actor_names(session, ids)
    names.setdefault(actor_id, str(actor.get("name") or actor_id))
    return {
        "relations": relations,
        "actor": actor,
        "events": events,
        "page": page,
        "page_size": page_size,
        "next_page": page + 1 if len(rows) > page_size else None,
        "articles": articles,
        "actor_names": names,
    }


def _known_actor(actor_id: str | None) -> dict[str, Any] | None:
    """An actor the knowledge base knows but no stored article names yet (e.g. a speaker's country).

    Its page shows the profile with no events rather than a 404, since links to it are real.
    """
    if not actor_id:
        return None
    entry = shared_knowledge_base().get(actor_id)
    if entry is None:
        return None
    counts = dict.fromkeys(("mentions", "articles", "events", "events_as_source", "events_as_target",
                            "quotes"), 0)
    return {**entry.actor().contract(), "counts": counts}


def actors_data(session: Session, page: int = 1, page_size: int = 50) -> dict[str, Any]:
    """The list of actors, most mentioned first."""
    page = max(page, 1)
    rows = queries.list_actors(session, limit=page_size + 1, offset=_offset(page, page_size))
    return {
        "page": page,
        "page_size": page_size,
        "actors": rows[:page_size],
        "next_page": page + 1 if len(rows) > page_size else None,
    }


def health_data(session: Session) -> dict[str, Any]:
    """``/healthz``: the database answers and how many articles it holds."""
    return {"status": "ok", "articles": queries.count_articles(session)}

