"""Syndication clusters: near-duplicate articles are grouped, never dropped.

The same agency story reaches us from several outlets, each with its own URL, headline and a
sentence or two of its own.  The writer keeps each as an article (they are different pages, and
who ran a story is itself information); this module records that they are one story.

:class:`Syndication` keeps, per article, a MinHash of its text (``article_fingerprints``,
:func:`blocwatch.ingest.dedup.fingerprint`) and an in-memory LSH index of the fingerprints of the
last :data:`WINDOW_DAYS` days, at most the :data:`MAX_INDEXED` most recently indexed (syndication
happens within days).  The cap is what bounds memory: an indexed article costs about 4 KB (2.7 KB
of LSH band keys plus its 1 KB sketch), and a bulk ingest or a busy collector computes far more
fingerprints within the window than that, which would otherwise all stay indexed (~400 MB for a
100 000-article ingest).

:meth:`Syndication.assign` fingerprints the given articles and, for each one with
near-duplicates (estimated Jaccard >= 0.8 on word 5-gram shingles):

* if none of them is clustered yet, a new ``syndication_clusters`` row takes them all;
* else the article joins their cluster; when they sit in several clusters, those are merged into
  the oldest (lowest id), so clusters are the connected components of the "near-duplicate" graph;
* an article whose (re-extracted) text no longer matches its cluster leaves it, and a cluster
  left with a single member is dissolved.

It is idempotent: assigning an article again changes nothing unless its text changed.  The
fingerprint is recomputed only when the article's ``content_hash`` or the MinHash parameters
(:data:`blocwatch.ingest.dedup.METHOD`) changed.  Cluster membership is always read from the
database inside the write transaction, so several processes can assign at once; the in-memory
index only proposes candidates and picks up other processes' fingerprints on every call.  On
PostgreSQL an advisory lock serialises assignments (SQLite's ``BEGIN IMMEDIATE`` already does).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from blocwatch.ingest import dedup
from blocwatch.store.models import ArticleFingerprintRow, ArticleRow, SourceRow, SyndicationClusterRow
from blocwatch.store.store import Store

__all__ = ["MAX_INDEXED", "WINDOW_DAYS", "Syndication", "cluster_of", "list_clusters"]

WINDOW_DAYS = 30
MAX_INDEXED = 20_000
_PG_LOCK_KEY = 0x626C6F6373796E64  # "blocsynd"


class Syndication:
    """Fingerprints and clusters for one :class:`Store` (keep one per process and reuse it)."""

    def __init__(self, store: Store, *, threshold: float = dedup.THRESHOLD, window_days: int = WINDOW_DAYS,
                 max_indexed: int = MAX_INDEXED):  # fmt: skip
        self.store = store
        self.window = timedelta(days=window_days)
        self.index = dedup.NearDuplicateIndex(threshold)
        self.max_indexed = max_indexed
        self._indexed: OrderedDict[str, None] = OrderedDict()  # keys of ``index``, oldest first
        self._loaded_until: datetime | None = None

    def _index(self, article_id: str, sketch: Any) -> None:
        self.index.add(article_id, sketch)
        self._indexed[article_id] = None
        self._indexed.move_to_end(article_id)
        while len(self._indexed) > self.max_indexed:
            oldest, _ = self._indexed.popitem(last=False)
            self.index.discard(oldest)

    def _unindex(self, article_id: str) -> None:
        self.index.discard(article_id)
        self._indexed.pop(article_id, None)

    def assign(self, article_ids: Iterable[str]) -> dict[str, int | None]:
        """Fingerprint and cluster ``article_ids``; returns each one's cluster id (None: alone)."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        with self.store.writing() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            self._refresh(session)
            for article_id in ids:
                self._assign_one(session, article_id)
            # Read back: an article assigned early in the batch may be joined by a later one.
            rows = session.execute(
                select(ArticleFingerprintRow.article_id, ArticleFingerprintRow.cluster_id)
                .where(ArticleFingerprintRow.article_id.in_(ids))
            )
            final: dict[str, int | None] = {article_id: cluster for article_id, cluster in rows}
            return {article_id: final.get(article_id) for article_id in ids}

    def assign_all(self, batch: int = 500) -> int:
        """Fingerprint and cluster every stored article (a back-fill); returns how many were seen."""
        done, after = 0, ""
        while True:
            with self.store.session() as session:
                ids = list(session.scalars(
                    select(ArticleRow.id).where(ArticleRow.id > after).order_by(ArticleRow.id).limit(batch)
                ))  # fmt: skip
            if not ids:
                return done
            self.assign(ids)
            done, after = done + len(ids), ids[-1]

    def _refresh(self, session: Session) -> None:
        """Index the fingerprints computed since the last call (by any process) within the window."""
        now = datetime.now(UTC)
        since = now - self.window
        if self._loaded_until is not None:
            # A little overlap: a concurrent writer's computed_at can be slightly older than its commit.
            since = max(since, self._loaded_until - timedelta(minutes=5))
        # The newest ``max_indexed`` only (the rest would be evicted at once), indexed oldest first.
        rows = session.execute(
            select(ArticleFingerprintRow.article_id, ArticleFingerprintRow.minhash)
            .where(ArticleFingerprintRow.computed_at >= since,
                   ArticleFingerprintRow.method == dedup.METHOD,
                   ArticleFingerprintRow.minhash.is_not(None))
            .order_by(ArticleFingerprintRow.computed_at.desc(), ArticleFingerprintRow.article_id.desc())
            .limit(self.max_indexed)
        ).all()  # fmt: skip
        for article_id, data in reversed(rows):
            if data is not None:
                self._index(article_id, dedup.fingerprint_from_bytes(data))
        self._loaded_until = now

    def _fingerprint(self, session: Session, article: ArticleRow) -> tuple[ArticleFingerprintRow, Any]:
        row = session.get(ArticleFingerprintRow, article.id)
        if row is not None and row.method == dedup.METHOD and row.content_hash == article.content_hash:
            return row, dedup.fingerprint_from_bytes(row.minhash) if row.minhash is not None else None
        sketch = dedup.fingerprint(article.text)
        if row is None:
            row = ArticleFingerprintRow(article_id=article.id)
            session.add(row)
        row.method, row.content_hash = dedup.METHOD, article.content_hash
        row.minhash = dedup.fingerprint_to_bytes(sketch) if sketch is not None else None
        row.computed_at = datetime.now(UTC)
        session.flush()
        return row, sketch

    def _assign_one(self, session: Session, article_id: str) -> int | None:
        article = session.get(ArticleRow, article_id)
        if article is None:
            self._unindex(article_id)
            return None
        row, sketch = self._fingerprint(session, article)
        if sketch is None:
            self._unindex(article_id)
            _leave(session, row)
            return None
        self._index(article_id, sketch)
        similar = dict(self.index.matches(sketch, exclude={article_id}))
        peers = list(session.scalars(
            select(ArticleFingerprintRow).where(ArticleFingerprintRow.article_id.in_(list(similar)))
        )) if similar else []  # fmt: skip
        for gone in set(similar) - {p.article_id for p in peers}:
            self._unindex(gone)  # deleted since it was indexed
        if not peers:
            _leave(session, row)
            return None
        clusters = sorted({p.cluster_id for p in peers if p.cluster_id is not None})
        if clusters:
            target = clusters[0]
            for other in clusters[1:]:  # this article links clusters: they are one story
                session.execute(
                    update(ArticleFingerprintRow)
                    .where(ArticleFingerprintRow.cluster_id == other)
                    .values(cluster_id=target)
                )
                _drop_cluster(session, other)
            session.expire_all()  # the bulk update bypassed the identity map
            row = session.get(ArticleFingerprintRow, article_id)  # type: ignore[assignment]
            peers = list(session.scalars(
                select(ArticleFingerprintRow).where(ArticleFingerprintRow.article_id.in_(list(similar)))
            ))  # fmt: skip
        else:
            cluster = SyndicationClusterRow(created_at=datetime.now(UTC))
            session.add(cluster)
            session.flush()
            target = cluster.id
        if row.cluster_id not in (None, target):
            _leave(session, row)
        for peer in peers:
            if peer.cluster_id is None:
                peer.cluster_id, peer.similarity = target, similar[peer.article_id]
        row.cluster_id, row.similarity = target, max(similar[p.article_id] for p in peers)
        session.flush()
        return target


def _leave(session: Session, row: ArticleFingerprintRow) -> None:
    """Take ``row`` out of its cluster; a cluster left with one member is dissolved."""
    cluster_id = row.cluster_id
    if cluster_id is None:
        return
    row.cluster_id, row.similarity = None, None
    session.flush()
    rest = list(
        session.scalars(select(ArticleFingerprintRow).where(ArticleFingerprintRow.cluster_id == cluster_id))
    )
    if len(rest) <= 1:
        for member in rest:
            member.cluster_id, member.similarity = None, None
        _drop_cluster(session, cluster_id)
        session.flush()


def _drop_cluster(session: Session, cluster_id: int) -> None:
    cluster = session.get(SyndicationClusterRow, cluster_id)
    if cluster is not None:
        session.delete(cluster)


def _members(session: Session, cluster_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ArticleRow.id, ArticleRow.title, ArticleRow.url, ArticleRow.canonical_url, SourceRow.name,
               ArticleFingerprintRow.similarity)
        .join(ArticleFingerprintRow, ArticleFingerprintRow.article_id == ArticleRow.id)
        .outerjoin(SourceRow, SourceRow.id == ArticleRow.source_id)
        .where(ArticleFingerprintRow.cluster_id == cluster_id)
        .order_by(ArticleRow.ingested_at, ArticleRow.id)
    )  # fmt: skip
    return [
        {"id": i, "title": t, "url": u or c, "source": s, "similarity": sim}
        for i, t, u, c, s, sim in rows
    ]


def cluster_of(store: Store, article_id: str) -> dict[str, Any] | None:
    """The cluster ``article_id`` belongs to, with its members (first ingested first), or None."""
    with store.session() as session:
        cluster_id = session.scalar(
            select(ArticleFingerprintRow.cluster_id).where(ArticleFingerprintRow.article_id == article_id)
        )
        if cluster_id is None:
            return None
        return {"id": cluster_id, "members": _members(session, cluster_id)}


def list_clusters(store: Store, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Clusters, largest first (then newest), each with its members and distinct sources."""
    with store.session() as session:
        size = func.count(ArticleFingerprintRow.article_id)
        rows = session.execute(
            select(SyndicationClusterRow.id, size)
            .join(ArticleFingerprintRow, ArticleFingerprintRow.cluster_id == SyndicationClusterRow.id)
            .group_by(SyndicationClusterRow.id)
            .order_by(size.desc(), SyndicationClusterRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        out = []
        for cluster_id, count in rows:
            members = _members(session, cluster_id)
            sources = sorted({m["source"] for m in members if m["source"]})
            out.append({"id": cluster_id, "size": int(count), "sources": sources, "members": members})
        return out
