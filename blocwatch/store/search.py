"""Full-text search over articles: one function, SQLite FTS5 or PostgreSQL full text.

:func:`search_articles` answers ``{"total", "results"}`` with, per result, the article's id,
title, publication date, a snippet around the matches and its top actors.  The index itself is
made by migration 0003 (an FTS5 external-content table with triggers on SQLite, a GIN
expression index on PostgreSQL), so saving an article needs nothing from this module.

User input is never handed to a query parser as syntax.  :func:`parse_query` reads it as words,
``"quoted phrases"`` and ``prefix*`` words; everything else (operators, brackets, stray quotes,
``-``, ``:``, ``NEAR``, ``AND`` …) is just text, so a search can return nothing but never fails.
The terms are then written out for each back end: FTS5 strings in double quotes (a doubled
``"`` escapes none, since terms only hold word characters), and on PostgreSQL
``plainto_tsquery`` / ``phraseto_tsquery`` of bound parameters combined with ``&&`` (AND).

Ranking: FTS5 ``bm25`` with the title weighted 5x the text; PostgreSQL ``ts_rank`` of the same
document.  Ties, and filter-only searches without words, go newest first.

Snippets come back as plain text (``snippet``) and as ``snippet_parts`` — ``[{text, mark}]``
pieces with the matched words marked — so pages can highlight them without rendering HTML
from the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from blocwatch.store.models import ActorRow, ArticleActorRow, ArticleRow, EventRow

__all__ = [
    "PG_DOCUMENT",
    "SEARCH_OBJECTS",
    "Term",
    "fts5_query",
    "is_search_object",
    "parse_query",
    "rebuild_search_index",
    "search_articles",
]

#: Tables, indexes and triggers of migration 0003 that the ORM models do not describe.
SEARCH_OBJECTS = frozenset(
    {"articles_fts", "articles_fts_data", "articles_fts_idx", "articles_fts_content",
     "articles_fts_docsize", "articles_fts_config", "ix_articles_fts"}
)
#: The indexed PostgreSQL document; identical to the expression in migration 0003.
PG_DOCUMENT = "to_tsvector('english'::regconfig, articles.title || ' ' || articles.text)"

MAX_TERMS = 16  # longer queries are cut: each term is a join in the index lookup
MAX_LIMIT = 100
TOP_ACTORS = 5
SNIPPET_TOKENS = 32
# Marks around matches inside snippets: a control character paired with a private-use one, a
# sequence no real text contains, so splitting on them cannot be confused by stored text.
START, STOP = "\x02\ue000", "\ue001\x03"

_TOKEN = re.compile(r'"([^"]*)"?|(\w+)(\*)?')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    """One search term: a word (optionally a prefix) or a phrase of several words."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def phrase(self) -> bool:
        return len(self.words) > 1


def parse_query(q: str | None) -> list[Term]:
    """Words, ``"phrases"`` (an unclosed quote runs to the end) and ``prefix*`` words of ``q``."""
    terms: list[Term] = []
    for match in _TOKEN.finditer(q or ""):
        phrase, word, star = match.groups()
        if word is not None:
            terms.append(Term((word.lower(),), prefix=bool(star)))
        else:
            words = tuple(w.lower() for w in _WORD.findall(phrase or ""))
            if words:
                terms.append(Term(words))
        if len(terms) >= MAX_TERMS:
            break
    return terms


def fts5_query(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term must occur (implicit AND)."""
    out = []
    for term in terms:
        # Terms hold only word characters, so they can be quoted as FTS5 strings as they are.
        quoted = '"' + " ".join(term.words) + '"'
        out.append(quoted + " *" if term.prefix else quoted)
    return " ".join(out)


def _pg_query(terms: list[Term]) -> ColumnElement[Any]:
    parts: list[ColumnElement[Any]] = []
    for n, term in enumerate(terms):
        value: BindParameter[str] = bindparam(f"term_{n}", " ".join(term.words))
        if term.prefix:
            # A prefix needs to_tsquery syntax; the word is only \w characters, quoted as a lexeme.
            value = bindparam(f"term_{n}", f"'{term.words[0]}':*")
            parts.append(func.to_tsquery(literal_column("'english'::regconfig"), value))
        elif term.phrase:
            parts.append(func.phraseto_tsquery(literal_column("'english'::regconfig"), value))
        else:
            parts.append(func.plainto_tsquery(literal_column("'english'::regconfig"), value))
    query = parts[0]
    for part in parts[1:]:
        query = query.op("&&")(part)
    return query


def _filters(
    actor: str | None, event_type: str | None, since: date | None, until: date | None
) -> list[ColumnElement[bool]]:
    a = ArticleRow
    where: list[ColumnElement[bool]] = []
    if actor:
        where.append(
            exists().where(ArticleActorRow.article_id == a.id, ArticleActorRow.actor_id == actor)
        )
    if event_type:
        kind = event_type.strip()
        # A PLOVER type (CONSULT) or a CAMEO code or prefix (04, 040).
        test = EventRow.cameo.startswith(kind) if kind.isdigit() else EventRow.plover == kind.upper()
        where.append(exists().where(EventRow.article_id == a.id, test))
    if since is not None:
        where.append(a.published >= since)
    if until is not None:
        where.append(a.published <= until)
    return where


def _newest() -> tuple[Any, ...]:
    a = ArticleRow
    return (a.published.is_(None), a.published.desc(), a.ingested_at.desc(), a.id.desc())


def _text_search(session: Session, terms: list[Term]) -> tuple[Select[Any], Any, Any]:
    """(select of matching ids, a rank to sort ascending, a marked snippet of the text)."""
    a = ArticleRow
    if session.get_bind().dialect.name == "sqlite":
        fts = table("articles_fts", column("rowid"))
        index: ColumnElement[Any] = literal_column("articles_fts")
        base = (
            select(a.id)
            .select_from(fts)
            .join(a, literal_column("articles.rowid") == fts.c.rowid)
            .where(index.op("MATCH")(bindparam("fts_q", fts5_query(terms))))
        )
        rank: ColumnElement[Any] = func.bm25(index, 5.0, 1.0)  # lower is better
        snippet = func.snippet(index, 1, START, STOP, "…", SNIPPET_TOKENS)
        return base, rank, snippet
    query = _pg_query(terms)
    document: ColumnElement[Any] = literal_column(PG_DOCUMENT)
    base = select(a.id).where(document.op("@@")(query))
    rank = -func.ts_rank(document, query)
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=40, MinWords=15, MaxFragments=2"
    snippet = func.ts_headline(literal_column("'english'::regconfig"), a.text, query, options)
    return base, rank, snippet


def snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """``[{text, mark}]`` from a snippet with START/STOP marks around matches."""
    parts: list[dict[str, Any]] = []
    # Paragraph breaks inside a snippet would only show as odd gaps in one line of text.
    flat = " ".join(snippet.split())
    for n, piece in enumerate(re.split(f"{re.escape(START)}|{re.escape(STOP)}", flat)):
        if piece:
            parts.append({"text": piece, "mark": n % 2 == 1})
    return parts


def _actors(session: Session, article_ids: list[str]) -> dict[str, list[dict[str, str]]]:
    top: dict[str, list[dict[str, str]]] = {i: [] for i in article_ids}
    if not article_ids:
        return top
    rows = session.execute(
        select(ArticleActorRow.article_id, ActorRow.id, ActorRow.name)
        .join(ActorRow, ActorRow.id == ArticleActorRow.actor_id)
        .where(ArticleActorRow.article_id.in_(article_ids))
        .order_by(ArticleActorRow.mention_count.desc(), ActorRow.id)
    )
    for article_id, actor_id, name in rows:
        if len(top[article_id]) < TOP_ACTORS:
            top[article_id].append({"id": actor_id, "name": name})
    return top


def search_articles(
    session: Session,
    q: str | None,
    *,
    actor: str | None = None,
    event_type: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    """Articles matching every term of ``q`` and every filter, best first.

    Without searchable words in ``q`` the filters alone select (newest first); with neither,
    nothing is found — an empty search box lists no articles.
    """
    limit = min(max(limit, 0), MAX_LIMIT)
    offset = max(offset, 0)
    terms = parse_query(q)
    # PostgreSQL rejects NUL characters in text parameters; no id or type contains one.
    actor = actor.replace("\x00", "") if actor else actor
    event_type = event_type.replace("\x00", "") if event_type else event_type
    where = _filters(actor, event_type, since, until)
    if not terms and not where:
        return {"total": 0, "results": []}
    a = ArticleRow
    if terms:
        base, rank, snippet = _text_search(session, terms)
        base = base.where(*where)
        order: tuple[Any, ...] = (rank, *_newest())
    else:
        base = select(a.id).where(and_(*where))
        rank, snippet, order = None, None, _newest()
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    columns: list[Any] = [a.id, a.title, a.published, func.substr(a.text, 1, 400).label("head")]
    if snippet is not None:
        columns.append(snippet.label("snippet"))
    page = base.with_only_columns(*columns).order_by(*order).limit(limit).offset(offset)
    rows = list(session.execute(page))
    actors = _actors(session, [r.id for r in rows])
    results = []
    for r in rows:
        parts = snippet_parts(getattr(r, "snippet", None) or _lead(r.head or ""))
        results.append(
            {
                "id": r.id,
                "title": r.title,
                "published": r.published.isoformat() if r.published else None,
                "snippet": "".join(p["text"] for p in parts),
                "snippet_parts": parts,
                "actors": actors.get(r.id, []),
            }
        )
    return {"total": total, "results": results}


def _lead(head: str, limit: int = 240) -> str:
    flat = " ".join(head.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + "…"


def is_search_object(name: str | None) -> bool:
    """Whether ``name`` is one of migration 0003's objects (for Alembic ``include_name``)."""
    return name in SEARCH_OBJECTS


def rebuild_search_index(session: Session) -> None:
    """Re-read every article into the SQLite FTS5 index (after ``VACUUM``); no-op on PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"))
