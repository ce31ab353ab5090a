"""``blocwatch sources ...`` and ``blocwatch reprocess``: thin typer commands over the library.

:data:`sources_app` is mounted by :mod:`blocwatch.cli` with
``app.add_typer(sources_app, name="sources")`` and :func:`reprocess` registered with
``app.command("reprocess")(reprocess)``.  The work is done by
:class:`blocwatch.store.sources.SourceDirectory` and :func:`blocwatch.reprocess.reprocess`; here
are only flags, output and exit codes (1: not found / refused, as the other commands do).
``sources add`` refuses a URL whose host is a non-public address (loopback, private,
link-local ...) before storing it, unless ``allow_private_addresses`` is set.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer

from blocwatch.settings import load_settings

__all__ = ["reprocess", "sources_app"]

sources_app = typer.Typer(
    help="The source directory: sites and feeds the collector polls.", no_args_is_help=True
)

DatabaseOpt = Annotated[
    str | None, typer.Option("--database-url", help="SQLAlchemy URL (env BLOCWATCH_DATABASE_URL).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _directory(database_url: str | None) -> Any:
    from blocwatch.store import Store
    from blocwatch.store.sources import SourceDirectory

    return SourceDirectory(Store(load_settings(database_url=database_url).database_url))


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _when(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else "never"


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="A feed, sitemap or site home page (http/https).")],
    name: Annotated[str | None, typer.Option("--name", help="Display name (default: the host).")] = None,
    every: Annotated[str, typer.Option("--every", help="Polling interval: 90s, 15m, 1h, 1d ...")] = "15m",
    database_url: DatabaseOpt = None,
) -> None:
    """Register a source to poll (or change the name / interval of a known one)."""
    from blocwatch.ingest.netguard import check_url

    settings = load_settings(database_url=database_url)
    try:
        # Up front, so a source the collector's SSRF guard would refuse is never stored; a name
        # that does not resolve yet is kept (the guard checks every connection again anyway).
        check_url(url, allow_private=settings.allow_private_addresses, allow_unresolved=True)
    except ValueError as exc:
        _fail(str(exc))
    directory = _directory(database_url)
    try:
        added = directory.add(url, name=name, every=every)
    except ValueError as exc:
        _fail(str(exc))
    finally:
        directory.store.close()
    verb = "added" if added["created"] else "updated"
    typer.echo(f"{verb} source {added['id']}: {added['name']} <{added['url']}> every {added['every']}")


@sources_app.command("list")
def sources_list(
    all_sources: Annotated[bool, typer.Option("--all", help="Also list unpolled sources.")] = False,
    as_json: JsonOpt = False,
    database_url: DatabaseOpt = None,
) -> None:
    """The polled sources with their article counts, last fetch and warnings."""
    directory = _directory(database_url)
    try:
        rows = directory.list_sources(polled_only=not all_sources)
    finally:
        directory.store.close()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no sources yet: add one with `blocwatch sources add URL`")
        return
    typer.echo(f"{'id':>4}  {'every':>6}  {'articles':>8}  {'last fetch':16}  {'status':12}  name / url")
    for r in rows:
        typer.echo(f"{r['id']:>4}  {r['every']:>6}  {r['articles']:>8}  {_when(r['last_fetched_at']):16}  "
                   f"{r['last_status'] or '-':12}  {r['name']} <{r['url']}>")  # fmt: skip
        for warning in r["warnings"]:
            typer.echo(f"      warning: {warning}")


@sources_app.command("show")
def sources_show(
    source_id: Annotated[int, typer.Argument(help="Source id (see `sources list`).")],
    as_json: JsonOpt = False,
    database_url: DatabaseOpt = None,
) -> None:
    """One source: last fetch, articles per day over the last 14 days, recent errors."""
    directory = _directory(database_url)
    try:
        info = directory.show(source_id)
    finally:
        directory.store.close()
    if info is None:
        _fail(f"no source {source_id}")
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    typer.echo(f"source {info['id']}: {info['name']} <{info['url']}>")
    typer.echo(f"  polled every {info['every']}; next due {_when(info['next_due_at'])}")
    typer.echo(f"  last fetch {_when(info['last_fetched_at'])}: {info['last_status'] or '-'}"
               f"{' - ' + info['last_error'] if info['last_error'] else ''}")  # fmt: skip
    typer.echo(f"  {info['articles']} article(s) stored")
    for warning in info["warnings"]:
        typer.echo(f"  warning: {warning}")
    typer.echo("  articles per day:")
    for day in info["per_day"]:
        typer.echo(f"    {day['day']}  {day['articles']:>5}  {'#' * min(day['articles'], 60)}")
    if info["recent_errors"]:
        typer.echo("  recent errors:")
        for entry in info["recent_errors"]:
            typer.echo(f"    {_when(entry['at'])}  {entry['status']}: {entry['error']}")


@sources_app.command("remove")
def sources_remove(
    source_id: Annotated[int, typer.Argument(help="Source id (see `sources list`).")],
    database_url: DatabaseOpt = None,
) -> None:
    """Stop polling a source and forget its fetch log; its articles are kept."""
    directory = _directory(database_url)
    try:
        removed = directory.remove(source_id)
    finally:
        directory.store.close()
    if not removed:
        _fail(f"no source {source_id}")
    typer.echo(f"removed source {source_id}")


def reprocess(
    ids: Annotated[list[str] | None, typer.Argument(help="Article ids (default: all).")] = None,
    database_url: DatabaseOpt = None,
    spacy_model: Annotated[str | None, typer.Option("--spacy-model", help="spaCy model package.")] = None,
) -> None:
    """Re-run extraction and understanding from the stored raw bytes, without refetching."""
    from rich.progress import Progress

    from blocwatch.nlp.pipeline import pipeline_for_settings
    from blocwatch.reprocess import reprocess as run_reprocess
    from blocwatch.store import Store

    settings = load_settings(database_url=database_url, spacy_model=spacy_model)
    store = Store(settings.database_url)
    try:
        pipeline = pipeline_for_settings(settings)
        with Progress(transient=True) as progress:
            task = progress.add_task("re-processing", total=len(ids) if ids else None)
            summary = run_reprocess(settings, store, pipeline, ids or None,
                                    on_item=lambda _id: progress.advance(task))  # fmt: skip
    finally:
        store.close()
    for line in summary.errors:
        typer.echo(f"error: {line}", err=True)
    typer.echo(summary.line())
    if (summary.failed or summary.missing) and not summary.done:
        raise typer.Exit(1)
