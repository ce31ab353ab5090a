"""Stories (articles about the same happening, across sources) and deduplicated events.

**Event ids.**  The same happening is reported by many sentences in many articles; each is an
``events`` row.  They are folded into one *deduplicated event* by a deterministic key::

    key = "<source>|<target>|<CAMEO code>|<ISO week of the event day>|<status>"

* ``source``/``target``: the stored actor ids with persons rolled up to their country (a
  foreign minister's visit is her state's, as in :mod:`blocwatch.analytics.relations`); ``-``
  when the report does not say who;
* the full CAMEO event code as stored (``042``, ``163``);
* the ISO week (``2024-W39``) of the event's day, resolved as in relations (its own date, else
  the article's); ``undated`` when neither is known.  A week absorbs the usual spread of dates
  in follow-up reports ("on Tuesday" vs the publication day) while keeping repeated acts in
  different weeks apart.  The cost is that one happening straddling a Sunday gets two ids;
* ``status``: ``fact``, ``hypothetical`` or ``negated`` — a threat that was made and one that
  was denied are different claims.

The event id is ``ev-`` + the first 16 hex digits of the key's SHA-1: stable across runs,
databases and re-analysis, with no table to keep.  Mentions are the rows sharing the key, each
with its evidence (article, sentence, offsets).

**Stories.**  Articles reporting the same happening, across sources, grouped as in
:mod:`blocwatch.analytics.story_clusters` (syndication clusters, or near in time, a shared actor
and similar words, actors and events).  A story's id is the id of its first article, so it stays
the same as the story grows; if an older report joins later, the former id still resolves to the
story through its member (:func:`find_story`).

**Computed on read, not stored.**  A story is a view over every article: one new article can
join or merge stories, so stored stories would need re-clustering and invalidation on every
ingest (and a migration) for no gain in truth.  The result is cached per database and
*watermark* (article count, latest ingestion and analysis, highest event id, clustered
articles), so it is recomputed only when the news changed; the per-article inputs (words,
actors, event signatures) are kept across recomputations, so one new article costs one more
article read, a re-weighting and the linking pass.  Measured on SQLite, 2 cores shared with
other jobs (load average ~10, several times slower than an idle machine): seed + 186 stored
Guardian Syria articles, 16 ms to load and 15 ms to cluster; 4,836 articles (the same
replicated 26 times, whole weeks apart), 0.5 s to reload warm (2.7 s cold) and 0.46 s to
cluster; 5,022 articles packed into one month, 1.0 s to cluster.  A cached answer costs the
watermark statement (~1-10 ms at 5,000 articles).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from blocwatch.analytics.relations import ROLLUP_KINDS, event_day
from blocwatch.analytics.story_clusters import THRESHOLD, WINDOW_DAYS, Story, cluster, load_docs
from blocwatch.store.models import ActorRow, ArticleFingerprintRow, ArticleRow, EventRow

__all__ = [
    "THRESHOLD",
    "WINDOW_DAYS",
    "DedupedEvent",
    "Story",
    "dedup_events",
    "event_id",
    "event_rows",
    "event_key",
    "find_event",
    "find_story",
    "rolled_up",
    "stories",
    "watermark",
]


def event_key(
    source: str | None, target: str | None, cameo: str, day: date | None, hypothetical: bool, negated: bool
) -> str:
    """The deduplication key of an event (see the module docstring)."""
    if day is None:
        bucket = "undated"
    else:
        year, week, _ = day.isocalendar()
        bucket = f"{year}-W{week:02d}"
    status = "negated" if negated else "hypothetical" if hypothetical else "fact"
    return f"{source or '-'}|{target or '-'}|{cameo}|{bucket}|{status}"


def event_id(key: str) -> str:
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class DedupedEvent:
    """One happening, with every sentence that reported it (``evidence``, oldest first)."""

    id: str
    key: str
    source: str | None
    target: str | None
    cameo: str
    plover: str
    quad_class: int
    intensity: float
    day: date | None
    hypothetical: bool
    negated: bool
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        return len(self.evidence)

    @property
    def articles(self) -> int:
        return len({e["article_id"] for e in self.evidence})

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "source": self.source,
            "target": self.target,
            "cameo": self.cameo,
            "plover": self.plover,
            "quad_class": self.quad_class,
            "intensity": self.intensity,
            "date": self.day.isoformat() if self.day else None,
            "hypothetical": self.hypothetical,
            "negated": self.negated,
            "mentions": self.mentions,
            "articles": self.articles,
            "evidence": self.evidence,
        }


def event_rows(session: Session, where: Any) -> Any:
    """Event rows matching ``where`` with their article's date and title and both sides' kinds."""
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    e = EventRow
    return session.execute(
        select(
            e.id,
            e.article_id,
            e.source_actor_id,
            e.target_actor_id,
            e.cameo,
            e.plover,
            e.quad_class,
            e.intensity,
            e.negated,
            e.hypothetical,
            e.event_date,
            e.sentence,
            e.sentence_start,
            e.sentence_end,
            e.trigger,
            ArticleRow.published,
            ArticleRow.title,
            src.kind.label("src_kind"),
            src.country.label("src_country"),
            tgt.kind.label("tgt_kind"),
            tgt.country.label("tgt_country"),
        )
        .join(ArticleRow, ArticleRow.id == e.article_id)
        .outerjoin(src, src.id == e.source_actor_id)
        .outerjoin(tgt, tgt.id == e.target_actor_id)
        .where(where)
        .order_by(e.id)
    )


def rolled_up(actor: str | None, kind: str | None, country: str | None) -> str | None:
    """A person counts for her country (see :mod:`blocwatch.analytics.relations`)."""
    return country if actor and kind in ROLLUP_KINDS and country else actor


def dedup_events(
    session: Session, *, article_ids: list[str] | None = None, event_ids: list[int] | None = None
) -> list[DedupedEvent]:
    """The events of the given articles (or event rows) folded by :func:`event_key`.

    Ordered by day (undated last), then by mentions, most first."""
    conditions = []
    if article_ids is not None:
        conditions.append(EventRow.article_id.in_(article_ids))
    if event_ids is not None:
        conditions.append(EventRow.id.in_(event_ids))
    if not conditions or (article_ids == [] or event_ids == []):
        return []
    folded: dict[str, DedupedEvent] = {}
    for r in event_rows(session, and_(*conditions)):
        source = rolled_up(r.source_actor_id, r.src_kind, r.src_country)
        target = rolled_up(r.target_actor_id, r.tgt_kind, r.tgt_country)
        day, _ = event_day(r.event_date, r.published)
        key = event_key(source, target, str(r.cameo), day, bool(r.hypothetical), bool(r.negated))
        item = folded.get(key)
        if item is None:
            item = folded[key] = DedupedEvent(
                event_id(key),
                key,
                source,
                target,
                str(r.cameo),
                str(r.plover),
                int(r.quad_class),
                float(r.intensity),
                day,
                bool(r.hypothetical),
                bool(r.negated),
            )
        item.day = min(filter(None, (item.day, day)), default=None)
        item.evidence.append(
            {
                "event_id": int(r.id),
                "article_id": str(r.article_id),
                "article_title": r.title or "",
                "published": r.published.isoformat() if r.published else None,
                "sentence": r.sentence,
                "start": int(r.sentence_start),
                "end": int(r.sentence_end),
                "trigger": r.trigger or "",
                "source_actor": r.source_actor_id,
                "target_actor": r.target_actor_id,
            }
        )
    return sorted(folded.values(), key=lambda d: (d.day or date.max, -d.mentions, d.id))


_WATERMARK_KEY = "blocwatch.stories.watermark"


def watermark(session: Session) -> tuple[Any, ...]:
    """What changes whenever the stories could: article count, latest ingestion and analysis (a
    re-analysis replaces an article's events), highest event id (bulk loads), clustered articles.

    One statement of counts and maxima, read once per session (a page asks many times)."""
    cached = session.info.get(_WATERMARK_KEY)
    if cached is not None:
        return cast(tuple[Any, ...], cached)
    row = session.execute(
        select(
            select(func.count()).select_from(ArticleRow).scalar_subquery(),
            select(func.max(ArticleRow.ingested_at)).scalar_subquery(),
            select(func.max(ArticleRow.analysed_at)).scalar_subquery(),
            select(func.max(EventRow.id)).scalar_subquery(),
            select(func.count(ArticleFingerprintRow.cluster_id)).scalar_subquery(),
        )
    ).one()
    mark = tuple(str(v) for v in row)
    session.info[_WATERMARK_KEY] = mark
    return mark


@dataclass(frozen=True, slots=True)
class _Clustered:
    mark: tuple[Any, ...]
    stories: list[Story]
    by_id: dict[str, Story]  # story ids and member article ids


DATABASES_KEPT = 4  # a process normally serves one store; tests open many
_CACHE: dict[str, _Clustered] = {}
_LOCK = threading.Lock()


def _remember(cache: dict[str, Any], where: str, value: Any) -> None:
    """Store ``value`` for database ``where``, keeping the :data:`DATABASES_KEPT` latest only."""
    cache.pop(where, None)
    cache[where] = value
    while len(cache) > DATABASES_KEPT:
        cache.pop(next(iter(cache)))


def _database_key(session: Session) -> str:
    engine = session.get_bind().engine
    return engine.url.render_as_string(hide_password=True) + f"#{id(engine)}"


def _clustered(session: Session) -> _Clustered:
    where = _database_key(session)
    mark = watermark(session)
    with _LOCK:
        cached = _CACHE.get(where)
    if cached is not None and cached.mark == mark:
        return cached
    found = cluster(load_docs(session))
    # A story's id is its first article's id, so membership alone answers both kinds of id.
    by_id = {article: s for s in found for article in s.article_ids}
    fresh = _Clustered(mark, found, by_id)
    with _LOCK:
        _remember(_CACHE, where, fresh)
    return fresh


def stories(session: Session) -> list[Story]:
    """Every story of the store behind ``session``, newest first (cached per watermark)."""
    return _clustered(session).stories


def find_story(session: Session, story_or_article_id: str) -> Story | None:
    """The story with this id, or the story an article with this id belongs to."""
    return _clustered(session).by_id.get(story_or_article_id)


_EVENT_INDEX: dict[str, tuple[tuple[Any, ...], dict[str, list[int]]]] = {}


def _event_index(session: Session) -> dict[str, list[int]]:
    """``{deduplicated event id: its event row ids}`` over the whole store (cached per watermark)."""
    where = _database_key(session)
    mark = watermark(session)
    with _LOCK:
        cached = _EVENT_INDEX.get(where)
    if cached is not None and cached[0] == mark:
        return cached[1]
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    e = EventRow
    index: dict[str, list[int]] = {}
    for row_id, s, t, cameo, hypothetical, negated, day_text, published, sk, sc, tk, tc in session.execute(
        select(e.id, e.source_actor_id, e.target_actor_id, e.cameo, e.hypothetical, e.negated, e.event_date,
               ArticleRow.published, src.kind, src.country, tgt.kind, tgt.country)
        .join(ArticleRow, ArticleRow.id == e.article_id)
        .outerjoin(src, src.id == e.source_actor_id)
        .outerjoin(tgt, tgt.id == e.target_actor_id)
    ):  # fmt: skip
        day, _ = event_day(day_text, published)
        key = event_key(rolled_up(s, sk, sc), rolled_up(t, tk, tc), str(cameo), day, bool(hypothetical),
                        bool(negated))  # fmt: skip
        index.setdefault(event_id(key), []).append(int(row_id))
    with _LOCK:
        _remember(_EVENT_INDEX, where, (mark, index))
    return index


def find_event(session: Session, deduped_id: str) -> DedupedEvent | None:
    """The deduplicated event with this id (``ev-…``) with every mention, or None."""
    rows = _event_index(session).get(deduped_id)
    if not rows:
        return None
    return next((d for d in dedup_events(session, event_ids=rows) if d.id == deduped_id), None)
