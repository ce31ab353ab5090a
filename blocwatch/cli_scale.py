"""``blocwatch backfill`` and ``blocwatch load``: archives to Parquet (on Spark or locally), then
Parquet to the store.

Registered by :mod:`blocwatch.cli` with ``app.command(...)``; the work is in
:mod:`blocwatch.scale`.  Exit codes: 0 done; 1 nothing could be read (every input failed) or the
directory cannot be loaded; 2 bad flags (an unknown engine, a bad master URL, a non-empty
``--out``, no Java for the Spark engine), as typer does for usage errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

__all__ = ["backfill", "load"]


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def backfill(
    inputs: Annotated[list[str], typer.Argument(help="WARC(.gz), JSON-lines, other files, directories.")],
    out: Annotated[Path, typer.Option("--out", help="New or empty directory for the Parquet datasets.")],
    engine: Annotated[str, typer.Option("--engine", help="spark, or local (no Spark).")] = "spark",
    master: Annotated[str, typer.Option("--master", help="Spark master: local[N] or spark://host:port.")] = (
        "local[2]"
    ),
    writer: Annotated[str, typer.Option(
        "--writer", help="Spark engine: arrow (each task writes its files) or spark (DataFrame writer)."
    )] = "arrow",
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Processes of the local engine (0 = every core; default: the workers setting)."
    )] = None,
    partitions: Annotated[int | None, typer.Option(
        "--partitions", min=1, help="Partitions of equal work (default: shrinking sizes, largest first)."
    )] = None,
    spacy_model: Annotated[str | None, typer.Option("--spacy-model", help="spaCy model to load.")] = None,
    actors: Annotated[list[Path] | None, typer.Option(
        "--actors", help="Extra actor dictionary (YAML or PETRARCH .txt); repeatable."
    )] = None,
) -> None:
    """Extract and analyse archives per partition (Spark or local) into Parquet datasets under --out."""
    from blocwatch.nlp.parallel import available_cores
    from blocwatch.nlp.pipeline import ModelNotFound, choose_model
    from blocwatch.scale import BackfillError
    from blocwatch.scale import backfill as run_backfill
    from blocwatch.settings import load_settings

    try:
        settings = load_settings(spacy_model=spacy_model, actors_files=actors or None)
        choose_model(settings.spacy_model)  # a missing model fails here, not in every executor
    except (ValueError, ModelNotFound) as exc:
        _fail(str(exc), 2)
    count = settings.workers if workers is None else workers
    count = available_cores() if count <= 0 else count
    try:
        summary = run_backfill(inputs, out, settings, engine=engine, master=master, workers=count,
                               partitions=partitions, writer=writer)  # fmt: skip
    except BackfillError as exc:
        _fail(str(exc), 2)
    typer.echo(summary.line())
    if summary.articles == 0 and summary.rows.get("raw_inputs", 0):
        raise typer.Exit(1)


def load(
    directory: Annotated[Path, typer.Argument(help="Output directory of a finished `blocwatch backfill`.")],
    database_url: Annotated[str | None, typer.Option(
        "--database-url", help="SQLAlchemy URL (env BLOCWATCH_DATABASE_URL)."
    )] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Save every article, even those already stored from the same input bytes."
    )] = False,
) -> None:
    """Load a backfill directory into the database, idempotently (twice changes nothing)."""
    from blocwatch.scale import DatasetError
    from blocwatch.scale import load as run_load
    from blocwatch.scale.load import check_directory
    from blocwatch.settings import load_settings
    from blocwatch.store import Store

    try:
        settings = load_settings(database_url=database_url)
    except ValueError as exc:
        _fail(f"bad setting: {exc}", 2)
    try:
        check_directory(directory)  # before the database is opened (and maybe created)
    except DatasetError as exc:
        _fail(str(exc), 1)
    store = Store(settings.database_url)
    try:
        summary = run_load(directory, store, force=force)
    except DatasetError as exc:
        _fail(str(exc), 1)
    finally:
        store.close()
    for line in summary.errors:
        typer.echo(f"error: {line}", err=True)
    typer.echo(summary.line())
