"""The blocwatch store: articles and what was found in them, in SQLite or PostgreSQL.

* :class:`Store` (store.py) opens a database by SQLAlchemy URL, migrates it to head and offers
  the write operations (``save_analysis``, ``save_bad_input``, sources).
* :func:`migrate` (migrate.py) is ``alembic upgrade head``, configured in code; the schema is
  created ONLY by the migrations in ``migrations/versions``.
* :mod:`blocwatch.store.models` holds the ORM tables; :mod:`blocwatch.store.writer` the
  idempotent write path; :mod:`blocwatch.store.queries` the read side (plain functions over a
  Session that return JSON-ready dicts, shared by the web pages and the JSON API).
"""

from blocwatch.store.migrate import current_revision, head_revision, migrate
from blocwatch.store.store import Store
from blocwatch.store.writer import (
    DuplicateContentError,
    InvalidRecordError,
    SaveResult,
    StoreError,
    url_key,
)

__all__ = [
    "DuplicateContentError",
    "InvalidRecordError",
    "SaveResult",
    "Store",
    "StoreError",
    "current_revision",
    "head_revision",
    "migrate",
    "url_key",
]
