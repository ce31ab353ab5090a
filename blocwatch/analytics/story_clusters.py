"""Grouping articles into stories: which articles report the same happening.

Two articles are *linked* when they are in the same syndication cluster
(:mod:`blocwatch.store.syndication`: near-duplicates are always one story), or when

* their days are at most :data:`WINDOW_DAYS` apart,
* they name at least one common actor (generic agents such as ``agent:GOV`` do not count: "the
  government" does not identify a happening),
* their words agree, ``cosine >= MIN_WORDS``, and
* ``similarity >= THRESHOLD``, where::

      similarity = 0.6 * cosine(title + lead words) + 0.25 * jaccard(actors)
                 + 0.15 * jaccard(event signatures: rolled-up source, target, CAMEO root)

The word cosine is TF-IDF over the title (counted twice) and the first :data:`LEAD_CHARS`
characters, with the document frequencies of the articles being clustered: names of places,
people and operations ("Afrin", "Begum", "Idlib") carry a story, while the words of the whole
beat ("Syria", "Kurdish", "forces") carry little.  Words found in more than :data:`DF_SHARE` of
the articles (and more than :data:`DF_FLOOR` of them) are dropped outright.  Requiring word
agreement keeps two reports that merely involve the same countries in the same week apart;
the actor and event terms then separate a follow-up from a merely similar text.  The weights
and thresholds were set by reading the linked and the near-miss pairs of the Guardian Syria
sample (``../shared/corpus/guardian-syria``) and of our own test corpus
(tests/analytics/test_analytics_stories.py).

Stories are the connected components of the link graph, so the grouping does not depend on the
order articles arrived in.  A story's id is the id of its first article (earliest day, then
earliest ingestion, then id), so it stays the same as the story grows.

**Speed.**  Pairs are never enumerated in Python: the word cosines of each block of (day-sorted)
articles with the articles of its window are one sparse matrix product (scipy), and only the
pairs reaching :data:`MIN_WORDS` are scored in full.  Timings are in
:mod:`blocwatch.analytics.stories`.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from blocwatch.analytics.relations import ROLLUP_KINDS
from blocwatch.store.models import ActorRow, ArticleActorRow, ArticleFingerprintRow, ArticleRow, EventRow

__all__ = [
    "DF_FLOOR",
    "DF_SHARE",
    "LEAD_CHARS",
    "MIN_WORDS",
    "THRESHOLD",
    "WINDOW_DAYS",
    "ArticleDoc",
    "Story",
    "cluster",
    "linked",
    "load_docs",
    "similarity",
    "weigh",
]

WINDOW_DAYS = 3
THRESHOLD = 0.18
MIN_WORDS = 0.1
WEIGHTS = (0.6, 0.25, 0.15)  # words, actors, event signatures
LEAD_CHARS = 700
DF_SHARE = 0.2
DF_FLOOR = 50
GENERIC_ACTOR = "agent:"

_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    "the and for with that this from have has had was were are its their they them his her said says "
    "will would could should into over after before about also more than not but who which what when "
    "where while been being other some such new amid".split()
)

Signature = tuple[str | None, str | None, str]


@dataclass(slots=True)
class Story:
    id: str
    article_ids: list[str]  # first article first
    first: date | None
    last: date | None
    title: str  # the first article's title (or the first title among its articles)
    actors: list[str]  # shared by at least two articles (or all, for a single article), most common first

    @property
    def size(self) -> int:
        return len(self.article_ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "size": self.size,
            "article_ids": self.article_ids,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "actors": self.actors,
        }


@dataclass(slots=True)
class ArticleDoc:
    """What clustering knows of one article; ``vector`` is filled by :func:`weigh`."""

    id: str
    day: date | None
    order: tuple[Any, ...]
    title: str
    terms: Counter[str]
    actors: frozenset[str]
    signatures: frozenset[Signature]
    cluster: int | None
    vector: dict[str, float] = field(default_factory=dict)


def terms_of(title: str, lead: str) -> Counter[str]:
    """Word counts of the title (twice) and the lead, stop words out."""
    counts = Counter(w for w in _WORD.findall(lead.casefold()) if w not in _STOP)
    for word in _WORD.findall(title.casefold()):
        if word not in _STOP:
            counts[word] += 2
    return counts


@dataclass(frozen=True, slots=True)
class _Features:
    """What one analysed article contributes, kept while its analysis stamp stays the same."""

    stamp: str
    title: str
    day: date | None
    order: tuple[Any, ...]
    terms: Counter[str]
    actors: frozenset[str]
    signatures: frozenset[Signature]


# Per database and article: re-clustering after one new article reads and tokenises that one only.
_FEATURES: dict[str, dict[str, _Features]] = {}
_FEATURES_LOCK = threading.Lock()
_CHUNK = 500


def _database_key(session: Session) -> str:
    engine = session.get_bind().engine
    return engine.url.render_as_string(hide_password=True) + f"#{id(engine)}"


def _read_features(session: Session, ids: list[str], stamps: dict[str, str]) -> dict[str, _Features]:
    """Features of the articles ``ids`` (three queries)."""
    actors: dict[str, set[str]] = defaultdict(set)
    for article_id, actor_id in session.execute(
        select(ArticleActorRow.article_id, ArticleActorRow.actor_id).where(
            ArticleActorRow.article_id.in_(ids), ArticleActorRow.mention_count > 0,
            ArticleActorRow.actor_id.not_like(GENERIC_ACTOR + "%"))
    ):  # fmt: skip
        actors[article_id].add(actor_id)
    signatures: dict[str, set[Signature]] = defaultdict(set)
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    query = (
        select(EventRow.article_id, _rolled_column(EventRow.source_actor_id, src),
               _rolled_column(EventRow.target_actor_id, tgt), func.substr(EventRow.cameo, 1, 2))
        .outerjoin(src, src.id == EventRow.source_actor_id)
        .outerjoin(tgt, tgt.id == EventRow.target_actor_id)
        .where(EventRow.article_id.in_(ids), EventRow.negated.is_not(True))
        .distinct()
    )  # fmt: skip
    for article_id, source, target, root in session.execute(query):
        signatures[article_id].add((source, target, str(root)))
    lead = func.substr(ArticleRow.text, 1, LEAD_CHARS)
    found = {}
    for i, title, published, ingested, text in session.execute(
        select(ArticleRow.id, ArticleRow.title, ArticleRow.published, ArticleRow.ingested_at, lead)
        .where(ArticleRow.id.in_(ids))
    ):  # fmt: skip
        key = str(i)
        day = published or (ingested.date() if ingested else None)
        found[key] = _Features(stamps[key], title or "", day, (day or date.max, str(ingested), key),
                               terms_of(title or "", text or ""), frozenset(actors.get(key, ())),
                               frozenset(signatures.get(key, ())))  # fmt: skip
    return found


def _features(session: Session) -> dict[str, _Features]:
    """Features of every stored article, from the cache where still current."""
    stamped = select(ArticleRow.id, ArticleRow.analysed_at, ArticleRow.ingested_at, ArticleRow.published)
    stamps = {str(i): f"{a}|{t}|{p}" for i, a, t, p in session.execute(stamped)}
    where = _database_key(session)
    with _FEATURES_LOCK:
        known = dict(_FEATURES.get(where, {}))
    missing = [i for i, stamp in stamps.items() if i not in known or known[i].stamp != stamp]
    for start in range(0, len(missing), _CHUNK):
        known.update(_read_features(session, missing[start : start + _CHUNK], stamps))
    current = {i: known[i] for i in stamps if i in known}
    with _FEATURES_LOCK:
        _FEATURES.pop(where, None)
        _FEATURES[where] = current
        while len(_FEATURES) > 4:  # a process normally serves one store; tests open many
            _FEATURES.pop(next(iter(_FEATURES)))
    return current


def weigh(docs: list[ArticleDoc]) -> None:
    """Fill each document's L2-normalised TF-IDF ``vector`` (document frequencies over ``docs``)."""
    n = len(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.terms.keys())
    cap = max(DF_FLOOR, DF_SHARE * n)
    idf = {w: math.log((1 + n) / (1 + k)) + 1.0 for w, k in df.items() if k <= cap}
    for d in docs:
        raw = {w: (1.0 + math.log(tf)) * idf[w] for w, tf in d.terms.items() if w in idf}
        norm = math.sqrt(sum(v * v for v in raw.values()))
        d.vector = {w: v / norm for w, v in raw.items()} if norm else {}


def _cosine(x: ArticleDoc, y: ArticleDoc) -> float:
    small, large = (x.vector, y.vector) if len(x.vector) <= len(y.vector) else (y.vector, x.vector)
    return sum(v * large[w] for w, v in small.items() if w in large)


def _jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def similarity(x: ArticleDoc, y: ArticleDoc, words: float | None = None) -> float:
    """The weighted similarity of two weighed articles (see the module docstring)."""
    cosine = _cosine(x, y) if words is None else words
    w_words, w_actors, w_events = WEIGHTS
    return (w_words * cosine + w_actors * _jaccard(x.actors, y.actors)
            + w_events * _jaccard(x.signatures, y.signatures))  # fmt: skip


def linked(x: ArticleDoc, y: ArticleDoc, words: float | None = None) -> bool:
    """Whether two weighed articles report the same happening (syndication aside)."""
    if x.day is None or y.day is None or abs((x.day - y.day).days) > WINDOW_DAYS:
        return False
    cosine = _cosine(x, y) if words is None else words
    return bool(x.actors & y.actors) and cosine >= MIN_WORDS and similarity(x, y, cosine) >= THRESHOLD


def _rolled_column(column: Any, actor: Any) -> Any:
    """``column`` with persons rolled up to their country, in SQL (as ``stories.rolled_up``)."""
    return case((and_(actor.kind.in_(ROLLUP_KINDS), actor.country != ""), actor.country), else_=column)


def load_docs(session: Session) -> list[ArticleDoc]:
    """Every stored article as a weighed :class:`ArticleDoc` (new or re-analysed articles are read,
    the others come from the per-article cache)."""
    clusters: dict[str, int] = {
        str(article_id): int(cluster_id or 0)
        for article_id, cluster_id in session.execute(
            select(ArticleFingerprintRow.article_id, ArticleFingerprintRow.cluster_id).where(
                ArticleFingerprintRow.cluster_id.is_not(None)
            )
        )
    }
    docs = [
        ArticleDoc(i, f.day, f.order, f.title, f.terms, f.actors, f.signatures, clusters.get(i))
        for i, f in _features(session).items()
    ]
    weigh(docs)
    return docs


def _candidates(dated: list[ArticleDoc], block: int = 256) -> list[tuple[int, int, float]]:
    """(earlier, later, word cosine) of day-sorted documents within the window whose cosine
    reaches :data:`MIN_WORDS`: sparse products of a block of documents with the documents of
    its window (numpy/scipy), so no Python loop runs over pairs that share no word."""
    import numpy as np
    from scipy.sparse import csr_matrix

    if len(dated) < 2:
        return []
    vocabulary: dict[str, int] = {}
    indptr, indices, values = [0], [], []
    for d in dated:
        for word, weight in d.vector.items():
            indices.append(vocabulary.setdefault(word, len(vocabulary)))
            values.append(weight)
        indptr.append(len(indices))
    arrays = (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64),
              np.array(indptr, dtype=np.int64))  # fmt: skip
    matrix = csr_matrix(arrays, shape=(len(dated), max(1, len(vocabulary))))
    days = np.array([d.day.toordinal() for d in dated if d.day is not None], dtype=np.int64)
    found: list[tuple[int, int, float]] = []
    for start in range(0, len(dated), block):
        stop = min(start + block, len(dated))
        low = int(np.searchsorted(days, days[start] - WINDOW_DAYS, side="left"))
        dots = (matrix[start:stop] @ matrix[low:stop].T).toarray()
        later = np.arange(start, stop)[:, None]
        earlier = np.arange(low, stop)[None, :]
        keep = (earlier < later) & (days[later] - days[earlier] <= WINDOW_DAYS) & (dots >= MIN_WORDS)
        for i, j in zip(*np.nonzero(keep), strict=True):
            found.append((low + int(j), start + int(i), float(dots[i, j])))
    return found


def cluster(docs: list[ArticleDoc]) -> list[Story]:
    """Group weighed documents into stories (connected components of the link graph), newest first."""
    parent = {d.id: d.id for d in docs}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(x: str, y: str) -> None:
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    by_cluster: dict[int, list[str]] = defaultdict(list)
    for d in docs:
        if d.cluster is not None:
            by_cluster[d.cluster].append(d.id)
    for ids in by_cluster.values():
        for other in ids[1:]:
            join(ids[0], other)
    dated = sorted((d for d in docs if d.day is not None), key=lambda d: (d.day, d.id))
    for i, j, words in _candidates(dated):
        if linked(dated[i], dated[j], words):
            join(dated[i].id, dated[j].id)
    groups: dict[str, list[ArticleDoc]] = defaultdict(list)
    for d in docs:
        groups[root(d.id)].append(d)
    return sorted((_story(members) for members in groups.values()),
                  key=lambda s: (-(s.last.toordinal() if s.last else 0), -s.size, s.id))  # fmt: skip


def _story(members: list[ArticleDoc]) -> Story:
    members.sort(key=lambda d: d.order)
    counts: Counter[str] = Counter()
    for d in members:
        counts.update(d.actors)
    floor = 2 if len(members) > 1 else 1
    shared = sorted((a for a, n in counts.items() if n >= floor), key=lambda a: (-counts[a], a))
    days = [d.day for d in members if d.day is not None]
    title = next((d.title for d in members if d.title), "")
    return Story(members[0].id, [d.id for d in members], min(days, default=None), max(days, default=None),
                 title, shared)  # fmt: skip
