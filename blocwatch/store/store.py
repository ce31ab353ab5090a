"""The :class:`Store`: an engine, migrated to head, plus the write operations blocwatch needs.

Reads go through :mod:`blocwatch.store.queries` on a session from :meth:`Store.session`.  Every
write method runs in ONE transaction: it commits whole or leaves the database as it was.  On
SQLite write transactions begin with ``BEGIN IMMEDIATE`` (see :mod:`blocwatch.store.engine`), so
concurrent writers queue instead of failing on a lock upgrade.  On PostgreSQL two processes saving
the same new article at the same moment can both miss it and race on the unique keys; the loser
gets a unique violation and is retried once, when it finds the winner's row and updates it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from blocwatch.records import Analysis
from blocwatch.store.engine import BEGIN_OPTION, make_engine
from blocwatch.store.migrate import migrate
from blocwatch.store.models import ArticleRow, RawInputRow, SourceRow, compress, decompress
from blocwatch.store.writer import (
    InvalidRecordError,
    SaveResult,
    StoreError,
    get_or_create_source,
    write_analysis,
)

__all__ = ["Store"]

_UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    # SQLite hands back naive datetimes; everything is written in UTC.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


class Store:
    """The blocwatch database at ``url`` (SQLite file or PostgreSQL), migrated on open."""

    def __init__(self, url: str, *, migrate_schema: bool = True, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine: Engine = make_engine(url, **engine_kwargs)
        if migrate_schema:
            migrate(engine=self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"}), expire_on_commit=False
        )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back on an exception."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write_sessions() as session, session.begin():
            yield session

    def writing(self) -> AbstractContextManager[Session]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite): for store modules such as
        :mod:`blocwatch.store.sources` and :mod:`blocwatch.store.syndication`."""
        return self._writing()

    def save_analysis(self, analysis: Analysis, source: str | None = None) -> SaveResult:
        """Store (or update, idempotently) one analysed article; see :mod:`blocwatch.store.writer`."""
        for attempt in (1, 2):
            try:
                with self._writing() as session:
                    return write_analysis(session, analysis, source)
            except IntegrityError as exc:
                code = getattr(exc.orig, "sqlstate", None)
                if attempt == 1 and code == _UNIQUE_VIOLATION:
                    continue  # a concurrent save of the same article won: update its row instead
                raise InvalidRecordError(f"article {analysis.article.id!r} not saved: {exc.orig}") from exc
            except DataError as exc:
                raise InvalidRecordError(f"article {analysis.article.id!r} not saved: {exc.orig}") from exc
        raise StoreError("unreachable")  # pragma: no cover - the loop returns or raises

    def save_bad_input(self, input_name: str, raw: bytes | None, problem: str) -> int:
        """Keep an input that could not be processed (raw bytes zlib-compressed); returns its id."""
        with self._writing() as session:
            row = RawInputRow(
                input_name=input_name, raw=compress(raw), problem=problem, created_at=datetime.now(UTC)
            )
            session.add(row)
            session.flush()
            return row.id

    def keep_bad_input(self, input_name: str, raw: bytes | None, problem: str) -> int | None:
        """Keep a bad input once per (input, problem): a resumed ingest, a second load or a feed
        polled again meets the same bad line or page again.  The check and the insert share one
        write transaction, so two writers cannot both keep it.  Returns the new row's id, or
        None if it was kept already."""
        with self._writing() as session:
            known = session.scalar(
                select(RawInputRow.id)
                .where(RawInputRow.input_name == input_name, RawInputRow.problem == problem)
                .limit(1)
            )
            if known is not None:
                return None
            row = RawInputRow(
                input_name=input_name, raw=compress(raw), problem=problem, created_at=datetime.now(UTC)
            )
            session.add(row)
            session.flush()
            return row.id

    def list_bad_inputs(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Kept bad inputs, newest first, without their bytes (see :meth:`get_bad_input`)."""
        with self.session() as session:
            rows = session.scalars(
                select(RawInputRow)
                .order_by(RawInputRow.created_at.desc(), RawInputRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
            return [
                {
                    "id": r.id,
                    "input_name": r.input_name,
                    "problem": r.problem,
                    "created_at": _iso(r.created_at),
                }
                for r in rows
            ]

    def get_bad_input(self, input_id: int) -> dict[str, Any] | None:
        """One kept bad input with its original (decompressed) ``raw`` bytes."""
        with self.session() as session:
            r = session.get(RawInputRow, input_id)
            if r is None:
                return None
            return {
                "id": r.id,
                "input_name": r.input_name,
                "problem": r.problem,
                "created_at": _iso(r.created_at),
                "raw": decompress(r.raw),
            }

    def delete_bad_input(self, input_id: int) -> bool:
        """Forget a kept bad input (e.g. once re-processing succeeded); False if it was not there."""
        with self._writing() as session:
            row = session.get(RawInputRow, input_id)
            if row is None:
                return False
            session.delete(row)
            return True

    def get_raw(self, article_id: str) -> tuple[bytes, str | None] | None:
        """An article's original input bytes and their type, for re-processing."""
        with self.session() as session:
            found = session.execute(
                select(ArticleRow.raw, ArticleRow.raw_type).where(ArticleRow.id == article_id)
            ).first()
            if found is None or found.raw is None:
                return None
            raw = decompress(found.raw)
            assert raw is not None
            return raw, found.raw_type

    def add_source(self, url: str, name: str | None = None, kind: str = "url") -> int:
        """Register a source (a site, feed, path ...) by its URL; returns the existing id if known."""
        with self._writing() as session:
            source_id = get_or_create_source(session, url, name=name, kind=kind)
            if name is not None:
                row = session.get(SourceRow, source_id)
                if row is not None:
                    row.name = name
            return source_id

    def record_fetch(self, url: str, error: str | None = None) -> None:
        """Note that the source at ``url`` was fetched now, with the error if it failed."""
        with self._writing() as session:
            row = session.get(SourceRow, get_or_create_source(session, url))
            assert row is not None
            row.last_fetched_at = datetime.now(UTC)
            row.last_error = error

    def list_sources(self) -> list[dict[str, Any]]:
        """All sources with their article counts, in the order they were added."""
        with self.session() as session:
            counts = (
                select(ArticleRow.source_id, func.count().label("n"))
                .group_by(ArticleRow.source_id)
                .subquery()
            )
            rows = session.execute(
                select(SourceRow, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.source_id == SourceRow.id)
                .order_by(SourceRow.id)
            )
            return [
                {
                    "id": s.id,
                    "name": s.name,
                    "url": s.url,
                    "kind": s.kind,
                    "created_at": _iso(s.created_at),
                    "last_fetched_at": _iso(s.last_fetched_at),
                    "last_error": s.last_error,
                    "articles": int(n),
                }
                for s, n in rows
            ]

    def close(self) -> None:
        self.engine.dispose()
