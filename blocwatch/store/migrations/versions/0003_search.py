"""Full-text search over articles (title + text), one native mechanism per back end.

* SQLite: an FTS5 *external content* table ``articles_fts`` over ``articles`` (the text is not
  stored twice, only the index), kept in step by three triggers, so the writer needs no change:
  every INSERT, UPDATE (including the writer's ``ON CONFLICT DO UPDATE``) and DELETE (including
  cascades) of an article updates the index in the same transaction.  ``articles`` has a text
  primary key, so the FTS rowid is the table's implicit ``rowid``; ``VACUUM`` may renumber those,
  after which :func:`blocwatch.store.search.rebuild_search_index` must be run.  The tokenizer is
  ``porter unicode61 remove_diacritics 2``: English stemming, like PostgreSQL's ``english``.
* PostgreSQL: a GIN expression index on ``to_tsvector('english', title || ' ' || text)``; the
  search query repeats the expression verbatim so the planner uses it.  Nothing to keep in step.

These objects are not described by the ORM models (SQLAlchemy has no FTS5 or expression-GIN
model); :data:`blocwatch.store.search.SEARCH_OBJECTS` names them for schema comparisons.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must stay identical to blocwatch.store.search.PG_DOCUMENT, or the index is not used.
PG_DOCUMENT = "to_tsvector('english'::regconfig, title || ' ' || text)"

_SQLITE_UP = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END""",
    # External content: the old values must be handed back to the index to remove them.
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END""",
    # Index the articles stored before this migration.
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]

_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TABLE IF EXISTS articles_fts",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_articles_fts ON articles USING gin ({PG_DOCUMENT})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_fts")
