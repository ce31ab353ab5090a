"""``blocwatch export``: stream a table of the store as GDELT, PLOVER, CSV, Parquet or JSON lines.

:func:`export` is registered by :mod:`blocwatch.cli` with ``app.command("export")(export)``.  The
work is :func:`blocwatch.export.export`; here are the flags, the output file and exit codes:
0 done, 1 the database cannot be read as asked, 2 bad flags (as typer does for usage errors).

An export never changes the database: it does not create a missing SQLite file nor migrate an
old schema, it says so.  ``--out FILE`` is written to a temporary file next to it and renamed
when the export is complete, so a failed or interrupted export never leaves a truncated file
that looks like a good one.  ``--out -`` (the default) writes to standard output; the number of
records goes to standard error.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from blocwatch.store import Store

Writer = Callable[[IO[bytes]], int]

__all__ = ["export"]


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{flag} wants a date YYYY-MM-DD, got {value!r}", 2)


def _open_store(url: str) -> Store:
    from sqlalchemy.engine import make_url

    from blocwatch.store import Store, current_revision, head_revision
    from blocwatch.store.engine import is_sqlite

    if is_sqlite(url):
        database = make_url(url).database or ""
        if database not in ("", ":memory:") and not Path(database).expanduser().is_file():
            _fail(f"no database at {database} (run `blocwatch ingest` or `blocwatch db upgrade` first)")
    store = Store(url, migrate_schema=False)
    try:
        revision, head = current_revision(store.engine), head_revision()
    except Exception as exc:  # cannot connect: the driver's message says why
        store.close()
        _fail(f"cannot open the database: {exc}")
    if revision != head:
        store.close()
        if revision is None:
            _fail("the database has no blocwatch schema (run `blocwatch db upgrade` first)")
        _fail(f"the database schema is at {revision}, this blocwatch needs {head}: "
              "run `blocwatch db upgrade`")
    return store


def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="gdelt | plover (events only) | csv | parquet | jsonl.")
    ],
    table: Annotated[
        str, typer.Option("--table", "-t", help="events | articles | mentions | quotes (csv/parquet/jsonl).")
    ] = "events",
    out: Annotated[str, typer.Option("--out", "-o", help="Output file, or - for standard output.")] = "-",
    since: Annotated[str | None, typer.Option("--since", help="First day to export (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day to export (YYYY-MM-DD).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only rows about this actor id.")] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="SQLAlchemy URL (env BLOCWATCH_DATABASE_URL).")
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Rows fetched per round trip.", min=1)
    ] = 1000,
) -> None:
    """Export the store without caps, streaming (see docs/exports.md for the column mappings)."""
    from blocwatch.export import ExportError, ExportFilter
    from blocwatch.export import export as run_export
    from blocwatch.settings import load_settings

    filters = ExportFilter(since=_date(since, "--since"), until=_date(until, "--until"), actor=actor)
    try:
        url = load_settings(database_url=database_url).database_url
    except ValueError as exc:
        _fail(f"bad setting: {exc}", 2)
    fmt, table = fmt.lower(), table.lower()
    store = _open_store(url)
    try:
        if out == "-":
            count = _run(lambda stream: run_export(store, fmt, stream, table=table, filters=filters,
                                                   batch_size=batch_size), sys.stdout.buffer)
        else:
            count = _to_file(Path(out), lambda stream: run_export(
                store, fmt, stream, table=table, filters=filters, batch_size=batch_size))
    except ExportError as exc:
        _fail(str(exc), 2)
    finally:
        store.close()
    typer.echo(f"exported {count} {'event' if table == 'events' else table.rstrip('s')} record(s)"
               f" as {fmt}" + ("" if out == "-" else f" to {out}"), err=True)


def _run(write: Writer, stream: IO[bytes]) -> int:
    count = write(stream)
    stream.flush()
    return count


def _to_file(path: Path, write: Writer) -> int:
    path = path.expanduser()
    if path.is_dir():
        _fail(f"--out {path} is a directory", 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            count = write(stream)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes the file private; give it normal permissions
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count

