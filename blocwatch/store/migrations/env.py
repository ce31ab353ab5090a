"""Alembic environment for the blocwatch store.

Run through :func:`blocwatch.store.migrate` (which passes an open connection in
``config.attributes["connection"]`` inside its own transaction and lock), or by the ``alembic``
command with ``-c blocwatch/store/alembic.ini`` and the URL in ``BLOCWATCH_DATABASE_URL`` or
``-x url=...``.  Logging is left to the application: no ``fileConfig`` here.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

from blocwatch.store.engine import make_engine
from blocwatch.store.models import Base
from blocwatch.store.search import is_search_object

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("BLOCWATCH_DATABASE_URL")
    return url or config.get_main_option("sqlalchemy.url") or "sqlite:///blocwatch.db"


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The full-text objects (FTS5 table, GIN index) have no ORM model: autogenerate must
        # not propose dropping them.
        include_name=lambda name, _type, _parent: not is_search_object(name),
    )


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _configure(given)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
