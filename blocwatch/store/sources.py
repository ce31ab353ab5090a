"""The source directory: which sites and feeds are polled, how often, and how they are doing.

A source is a row of ``sources``.  The writer creates one implicitly for the site of every
ingested page; those have ``every_seconds`` NULL and are never polled.  ``blocwatch sources add``
(:meth:`SourceDirectory.add`) registers a URL to poll (its :func:`canonical_url` form, so
``HTTPS://Example.org`` and ``https://example.org/`` are one source) or starts polling a source
that was only implicit so far.

The collector asks :meth:`SourceDirectory.due` for sources with ``next_due_at <= now`` and reports
each poll with :meth:`SourceDirectory.record_fetch`, which appends to ``fetch_log``, keeps the
conditional-GET validators and schedules the next poll: ``every_seconds`` after a success, and
after a failure an exponential back-off (``every * 2**(failures-1)``, capped at
:data:`MAX_BACKOFF_SECONDS` unless the interval itself is longer) so a dead site is not hammered.

Health (:func:`health_warnings`), shown by ``sources list`` and ``sources show``:

* failing: the last :data:`FAILURE_WARN_AFTER` fetches or more all failed;
* volume drop: fewer articles per day over the last :data:`RECENT_DAYS` days than
  :data:`DROP_RATIO` of the daily mean of the :data:`PRIOR_DAYS` days before, once that mean is
  at least one a day (below that a quiet weekend would look like a collapse).

Volume counts articles by ``ingested_at`` (when we collected them): publication dates are often
missing or wrong, and it is *collection* that this warning is about.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from blocwatch.ingest.dedup import canonical_url
from blocwatch.store.models import ArticleRow, FetchLogRow, SourceRow
from blocwatch.store.store import Store
from blocwatch.store.writer import get_or_create_source

__all__ = [
    "DEFAULT_EVERY_SECONDS",
    "SourceDirectory",
    "SourceState",
    "format_every",
    "health_warnings",
    "parse_every",
]

DEFAULT_EVERY_SECONDS = 15 * 60
MIN_EVERY_SECONDS = 60  # politeness: nobody needs a news site polled more than once a minute
MAX_BACKOFF_SECONDS = 6 * 3600
FAILURE_WARN_AFTER = 3
RECENT_DAYS, PRIOR_DAYS, DROP_RATIO = 3, 14, 0.25
STATUSES = ("ok", "not_modified", "error")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"(\d+)\s*([smhd])")


def parse_every(text: str | int) -> int:
    """Seconds in an interval such as ``"15m"``, ``"1h30m"``, ``"2d"`` or ``"900"`` (seconds)."""
    if isinstance(text, int):
        seconds = text
    else:
        value = text.strip().lower().replace(" ", "")
        if value.isdigit():
            seconds = int(value)
        elif value and _EVERY.sub("", value) == "":
            seconds = sum(int(n) * _UNITS[u] for n, u in _EVERY.findall(value))
        else:
            raise ValueError(f"not an interval: {text!r} (use e.g. 90s, 15m, 1h30m, 1d)")
    if seconds < MIN_EVERY_SECONDS:
        raise ValueError(f"interval {text!r} is shorter than the minimum of {MIN_EVERY_SECONDS} s")
    return seconds


def format_every(seconds: int | None) -> str:
    """``900`` -> ``"15m"``, ``5400`` -> ``"1h30m"``; ``None`` (not polled) -> ``"-"``."""
    if not seconds:
        return "-"
    parts = []
    for unit in ("d", "h", "m", "s"):
        count, seconds = divmod(seconds, _UNITS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def health_warnings(failures: int, last_error: str | None, recent: int, prior: int) -> list[str]:
    """What is wrong with a source, from its failure streak and its article counts over the last
    RECENT_DAYS days (``recent``) and the PRIOR_DAYS days before them (``prior``)."""
    warnings = []
    if failures >= FAILURE_WARN_AFTER:
        warnings.append(f"failing: the last {failures} fetches failed (last error: {last_error or '?'})")
    prior_mean = prior / PRIOR_DAYS
    if prior_mean >= 1 and recent / RECENT_DAYS < DROP_RATIO * prior_mean:
        warnings.append(
            f"volume drop: {recent} article(s) in the last {RECENT_DAYS} days, against "
            f"{prior_mean:.1f} a day over the {PRIOR_DAYS} days before"
        )
    return warnings


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the collector needs to poll one source."""

    id: int
    url: str
    name: str
    every_seconds: int
    etag: str | None
    last_modified: str | None
    consecutive_failures: int


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything is written in UTC.
    return None if value is None else value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    aware = _aware(value)
    return aware.isoformat() if aware else None


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


class SourceDirectory:
    """The sources of one :class:`Store`; every method is one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self, url: str, *, name: str | None = None, every: str | int = DEFAULT_EVERY_SECONDS,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Poll ``url`` every ``every`` (first poll: now); an existing source is updated, not doubled."""
        key = canonical_url(url)
        if not key or urlsplit(key).scheme not in ("http", "https") or not urlsplit(key).hostname:
            raise ValueError(f"a polled source needs an http(s) URL, got {url!r}")
        seconds = parse_every(every)
        with self.store.writing() as session:
            existed = session.scalar(select(SourceRow.id).where(SourceRow.url == key)) is not None
            row = session.get(SourceRow, get_or_create_source(session, key, name=name, kind="url"))
            assert row is not None
            if name:
                row.name = name
            if row.every_seconds is None or row.next_due_at is None:
                row.next_due_at = _now(now)  # newly polled: due at once
            row.every_seconds = seconds
            source_id = row.id
        found = self.get(source_id, now=now)
        assert found is not None
        return {**found, "created": not existed}

    def remove(self, source_id: int) -> bool:
        """Forget a source and its fetch log; its articles stay (their source becomes unknown)."""
        with self.store.writing() as session:
            row = session.get(SourceRow, source_id)
            if row is None:
                return False
            session.delete(row)
            return True

    def get(self, source_id: int, now: datetime | None = None) -> dict[str, Any] | None:
        rows = self._summaries(source_id, _now(now))
        return rows[0] if rows else None

    def list_sources(self, now: datetime | None = None, polled_only: bool = False) -> list[dict[str, Any]]:
        """Every source (or only the polled ones) with counts, last fetch and warnings, by id."""
        rows = self._summaries(None, _now(now))
        return [r for r in rows if r["every_seconds"]] if polled_only else rows

    def show(self, source_id: int, now: datetime | None = None, days: int = PRIOR_DAYS,
             errors: int = 10) -> dict[str, Any] | None:
        """One source in detail: its summary, articles per day over ``days`` days (oldest first,
        zeros included), and its recent fetches and errors (newest first)."""
        moment = _now(now)
        found = self.get(source_id, now=moment)
        if found is None:
            return None
        with self.store.session() as session:
            found["per_day"] = _per_day(session, source_id, moment, days)
            found["recent_fetches"] = self.fetches(source_id, limit=errors, session=session)
            found["recent_errors"] = self.fetches(source_id, limit=errors, session=session, errors_only=True)
        return found

    def fetches(self, source_id: int, *, limit: int = 20, errors_only: bool = False,
                session: Session | None = None) -> list[dict[str, Any]]:
        """The fetch log of a source, newest first."""
        query = select(FetchLogRow).where(FetchLogRow.source_id == source_id)
        if errors_only:
            query = query.where(FetchLogRow.error.is_not(None))
        query = query.order_by(FetchLogRow.at.desc(), FetchLogRow.id.desc()).limit(limit)
        if session is None:
            with self.store.session() as own:
                return self.fetches(source_id, limit=limit, errors_only=errors_only, session=own)
        return [
            {"at": _iso(r.at), "status": r.status, "articles": r.articles, "error": r.error}
            for r in session.scalars(query)
        ]

    def due(self, now: datetime | None = None, limit: int = 100) -> list[SourceState]:
        """Polled sources whose ``next_due_at`` has come, the longest overdue first."""
        with self.store.session() as session:
            rows = session.scalars(
                select(SourceRow)
                .where(SourceRow.every_seconds.is_not(None), SourceRow.next_due_at <= _now(now))
                .order_by(SourceRow.next_due_at, SourceRow.id)
                .limit(limit)
            )
            return [
                SourceState(r.id, r.url, r.name, r.every_seconds or DEFAULT_EVERY_SECONDS, r.etag,
                            r.last_modified, r.consecutive_failures or 0)
                for r in rows
            ]  # fmt: skip

    def next_due_at(self, exclude: Collection[int] = ()) -> datetime | None:
        """When the next polled source (not in ``exclude``) falls due; None when nothing is polled."""
        query = select(func.min(SourceRow.next_due_at)).where(SourceRow.every_seconds.is_not(None))
        if exclude:
            query = query.where(SourceRow.id.not_in(list(exclude)))
        with self.store.session() as session:
            return _aware(session.scalar(query))

    def record_fetch(
        self, source_id: int, status: str, *, articles: int = 0, error: str | None = None,
        etag: str | None = None, last_modified: str | None = None, keep_validators: bool = False,
        now: datetime | None = None,
    ) -> datetime | None:
        """Log one poll and schedule the next; returns the next due time (None if the source is gone).

        ``keep_validators`` leaves the stored ETag / Last-Modified as they were, for a poll that
        must not be skipped next time by a 304 (some of its articles could not be fetched)."""
        if status not in STATUSES:
            raise ValueError(f"fetch status must be one of {STATUSES}, got {status!r}")
        moment = _now(now)
        with self.store.writing() as session:
            row = session.get(SourceRow, source_id)
            if row is None:
                return None  # removed while it was being polled: nothing to record
            every = row.every_seconds or DEFAULT_EVERY_SECONDS
            row.last_fetched_at = moment
            row.last_error = error
            if status == "error":
                row.consecutive_failures = (row.consecutive_failures or 0) + 1
                backoff = every * 2 ** min(row.consecutive_failures - 1, 16)
                delay = min(backoff, max(every, MAX_BACKOFF_SECONDS))
            else:
                row.consecutive_failures = 0
                delay = every
                if not keep_validators:
                    row.etag, row.last_modified = etag, last_modified
            row.next_due_at = moment + timedelta(seconds=delay)
            session.add(FetchLogRow(source_id=source_id, at=moment, status=status, articles=articles,
                                    error=error))  # fmt: skip
            return row.next_due_at

    def prune_log(self, keep_days: int = 90, now: datetime | None = None) -> int:
        """Drop fetch-log rows older than ``keep_days`` (a 15-minute poll writes 35,000 a year)."""
        cutoff = _now(now) - timedelta(days=keep_days)
        with self.store.writing() as session:
            result = session.execute(delete(FetchLogRow).where(FetchLogRow.at < cutoff))
            return int(getattr(result, "rowcount", 0) or 0)

    def _summaries(self, source_id: int | None, now: datetime) -> list[dict[str, Any]]:
        recent_start = now - timedelta(days=RECENT_DAYS)
        prior_start = recent_start - timedelta(days=PRIOR_DAYS)
        at = ArticleRow.ingested_at
        counts = (
            select(
                ArticleRow.source_id.label("source_id"),
                func.count().label("total"),
                func.sum(case((at >= recent_start, 1), else_=0)).label("recent"),
                func.sum(case(((at >= prior_start) & (at < recent_start), 1), else_=0)).label("prior"),
            )
            .group_by(ArticleRow.source_id)
            .subquery()
        )  # fmt: skip
        last = select(FetchLogRow.source_id, func.max(FetchLogRow.id).label("id")).group_by(
            FetchLogRow.source_id
        ).subquery()
        query = (
            select(SourceRow, counts.c.total, counts.c.recent, counts.c.prior, FetchLogRow.status)
            .outerjoin(counts, counts.c.source_id == SourceRow.id)
            .outerjoin(last, last.c.source_id == SourceRow.id)
            .outerjoin(FetchLogRow, FetchLogRow.id == last.c.id)
            .order_by(SourceRow.id)
        )
        if source_id is not None:
            query = query.where(SourceRow.id == source_id)
        with self.store.session() as session:
            out = []
            for s, total, recent, prior, status in session.execute(query):
                recent, prior = int(recent or 0), int(prior or 0)
                failures = s.consecutive_failures or 0
                out.append({
                    "id": s.id, "name": s.name, "url": s.url, "kind": s.kind,
                    "every_seconds": s.every_seconds, "every": format_every(s.every_seconds),
                    "created_at": _iso(s.created_at), "last_fetched_at": _iso(s.last_fetched_at),
                    "last_status": status, "last_error": s.last_error,
                    "next_due_at": _iso(s.next_due_at) if s.every_seconds else None,
                    "consecutive_failures": failures, "etag": s.etag, "last_modified": s.last_modified,
                    "articles": int(total or 0), "articles_recent": recent, "articles_prior": prior,
                    "warnings": health_warnings(failures, s.last_error, recent, prior),
                })  # fmt: skip
            return out


def _per_day(session: Session, source_id: int, now: datetime, days: int) -> list[dict[str, Any]]:
    """``[{"day": "YYYY-MM-DD", "articles": n}, ...]`` for the ``days`` UTC days ending today."""
    first = (now.astimezone(UTC) - timedelta(days=days - 1)).date()
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    if session.get_bind().dialect.name == "postgresql":
        day = func.date(func.timezone("UTC", ArticleRow.ingested_at))
    else:
        day = func.date(ArticleRow.ingested_at)  # stored as UTC text: date() reads its first 10 chars
    rows = session.execute(
        select(day, func.count())
        .where(ArticleRow.source_id == source_id, ArticleRow.ingested_at >= start)
        .group_by(day)
    )
    counts = {str(d)[:10]: int(n) for d, n in rows}
    labels = [(first + timedelta(days=i)).isoformat() for i in range(days)]
    return [{"day": label, "articles": counts.get(label, 0)} for label in labels]
