"""The ``blocwatch`` command: a thin typer layer over the library.

Every command turns its flags into settings overrides (CLI > env > file > default), calls one
library function and prints its result.  No logic lives here that a test could not reach
through the library.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from blocwatch.cli_export import export
from blocwatch.cli_related import eval_related
from blocwatch.cli_scale import backfill, load
from blocwatch.cli_sources import reprocess, sources_app
from blocwatch.cli_train import train_app
from blocwatch.settings import Settings, load_settings

app = typer.Typer(
    help="blocwatch: open, measured analytics of international relations from the news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
actors_app = typer.Typer(help="Query the actor knowledge base.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure accuracy on gold data (../shared/eval).", no_args_is_help=True)
app.add_typer(actors_app, name="actors")
app.add_typer(db_app, name="db")
app.add_typer(eval_app, name="eval")
app.add_typer(sources_app, name="sources")
app.add_typer(train_app, name="train")
app.command("reprocess")(reprocess)
app.command("export")(export)
app.command("backfill")(backfill)
app.command("load")(load)
eval_app.command("related")(eval_related)

DatabaseOpt = Annotated[
    str | None, typer.Option("--database-url", help="SQLAlchemy URL (env BLOCWATCH_DATABASE_URL).")
]
ActorsOpt = Annotated[
    list[Path] | None,
    typer.Option("--actors", help="Extra actor dictionary (YAML or PETRARCH .txt); repeatable."),
]
VerbsOpt = Annotated[
    list[Path] | None,
    typer.Option("--verbs", help="PETRARCH/TABARI verb dictionary added to the event lexicon; repeatable."),
]
DiscardsOpt = Annotated[
    list[Path] | None,
    typer.Option("--discards", help="PETRARCH/TABARI discard dictionary; repeatable."),
]
ModelOpt = Annotated[str | None, typer.Option("--spacy-model", help="spaCy model package to load.")]


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except ValueError as exc:  # pydantic names the setting and the bad value
        _err(f"error: bad setting: {exc}")
        raise typer.Exit(2) from None


def _pipeline(settings: Settings) -> Any:
    """The cached pipeline; a bad dictionary or a missing model is a clear error, not a traceback."""
    from blocwatch.knowledge import KnowledgeError
    from blocwatch.nlp.names import NamesModelError
    from blocwatch.nlp.petrarch_verbs import VerbsError
    from blocwatch.nlp.pipeline import ModelNotFound, pipeline_for_settings

    try:
        pipeline = pipeline_for_settings(settings)
        events = pipeline.nlp.get_pipe("blocwatch_events")
        _ = events.verbs, events.discards  # type: ignore[attr-defined]  # read the dictionaries now
    except (KnowledgeError, VerbsError, ModelNotFound, NamesModelError, OSError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    return pipeline


def _err(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def analyze(
    file: Annotated[str, typer.Argument(help="JSON-lines file, or - for standard input.")] = "-",
    actors: ActorsOpt = None,
    verbs: VerbsOpt = None,
    discards: DiscardsOpt = None,
    spacy_model: ModelOpt = None,
) -> None:
    """Analyse JSON-lines records and print one JSON line each (never touches the database)."""
    from blocwatch.contract import analyze_lines

    settings = _settings(actors_files=actors or None, verbs_files=verbs or None,
                         discards_files=discards or None, spacy_model=spacy_model)
    pipeline = _pipeline(settings)
    stream = sys.stdin if file == "-" else open(file, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for out in analyze_lines(stream, pipeline, workers=settings.workers):
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    finally:
        if stream is not sys.stdin:
            stream.close()


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories or http(s) URLs.")],
    database_url: DatabaseOpt = None,
    actors: ActorsOpt = None,
    verbs: VerbsOpt = None,
    discards: DiscardsOpt = None,
    spacy_model: ModelOpt = None,
    reanalyse: Annotated[bool, typer.Option(
        "--reanalyse", help="Analyse again articles already stored from the same input (default: skip them)."
    )] = False,
) -> None:
    """Read, analyse and store articles; bad inputs are reported and kept, the batch goes on."""
    from rich.progress import Progress

    from blocwatch.jobs import ingest as run_ingest
    from blocwatch.store import Store

    settings = _settings(database_url=database_url, actors_files=actors or None,
                         verbs_files=verbs or None, discards_files=discards or None,
                         spacy_model=spacy_model)
    store = Store(settings.database_url)
    pipeline = _pipeline(settings)
    many = len(inputs) > 1 or any(Path(i).is_dir() for i in inputs)
    with Progress(disable=not many, transient=True) as progress:
        task = progress.add_task("ingesting", total=None)
        summary = run_ingest(inputs, settings, store, pipeline,
                             on_item=lambda _name: progress.advance(task), reanalyse=reanalyse)
    for line in summary.errors:
        _err(f"error: {line}")
    for article_id in summary.article_ids[:20]:
        typer.echo(f"stored {article_id}")
    typer.echo(summary.line())
    store.close()
    if summary.failed and not summary.read:
        raise typer.Exit(1)


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories or http(s) URLs.")],
) -> None:
    """Extract articles and print one JSON line per article (or error)."""
    from blocwatch.ingest import IngestError, read_inputs

    settings = _settings()
    for item in read_inputs(inputs, settings):
        if isinstance(item, IngestError):
            out: dict[str, Any] = {"input": item.input, "error": item.problem}
        else:
            out = {
                "input": item.input_name,
                "url": item.canonical_url or item.url,
                "title": item.title,
                "date": item.published.isoformat() if item.published else None,
                "modified": item.modified.isoformat() if item.modified else None,
                "authors": item.authors,
                "language": item.language,
                "text": item.text,
                "sections": [{"heading": s.heading, "start": s.start, "end": s.end} for s in item.sections],
            }
        typer.echo(json.dumps(out, ensure_ascii=False))


#: Environment variable through which ``serve --workers N`` hands its settings to the workers.
SERVE_SETTINGS_ENV = "BLOCWATCH_SERVE_SETTINGS_JSON"


def worker_app() -> Any:
    """The app of one ``serve --workers N`` worker process (a uvicorn factory).

    uvicorn starts each worker as a fresh interpreter that imports this by name, so the parent's
    effective settings (flags included) travel as JSON in :data:`SERVE_SETTINGS_ENV`."""
    import os

    from blocwatch.web.app import create_app

    blob = os.environ.get(SERVE_SETTINGS_ENV)
    settings = Settings(**json.loads(blob)) if blob else load_settings()
    return create_app(settings)


def _serve(settings: Settings, workers: int = 1) -> None:
    import uvicorn

    from blocwatch.store import Store
    from blocwatch.web.app import create_app

    # Opening the store here migrates it once, before any worker opens it.
    store = Store(settings.database_url)
    typer.echo(f"blocwatch is serving on http://{settings.host}:{settings.port}/ (Ctrl+C stops)")
    if workers <= 1:
        uvicorn.run(create_app(settings, store), host=settings.host, port=settings.port, log_level="warning")
        return
    import os

    store.close()
    # Sync endpoints run in one process's thread pool under one GIL; worker processes use every core.
    os.environ[SERVE_SETTINGS_ENV] = settings.model_dump_json()
    # A worker busy computing a cold aggregate page can take seconds to answer the supervisor's
    # ping under load; uvicorn's 5 s default would kill it (and its requests) as hung.
    uvicorn.run("blocwatch.cli:worker_app", factory=True, workers=workers, host=settings.host,
                port=settings.port, log_level="warning", timeout_worker_healthcheck=120)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    database_url: DatabaseOpt = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (uvicorn workers); 1 serves in this process.")
    ] = 1,
) -> None:
    """Serve the web site and JSON API."""
    _serve(_settings(host=host, port=port, database_url=database_url), workers)


@app.command()
def run(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """The main job: ingest the configured inputs, then serve the site while polling due sources."""
    settings = _settings(host=host, port=port, database_url=database_url)
    if settings.sources:
        from blocwatch.jobs import ingest as run_ingest
        from blocwatch.store import Store

        store = Store(settings.database_url)
        summary = run_ingest(settings.sources, settings, store, _pipeline(settings))
        for line in summary.errors:
            _err(f"error: {line}")
        typer.echo(summary.line())
        store.close()
    else:
        typer.echo(
            "No sources configured. Add inputs with `blocwatch ingest PATH|URL...`, or list them in "
            "blocwatch.toml (sources = [\"...\"]) or BLOCWATCH_SOURCES; add polled sources "
            "with `blocwatch sources add URL --every 15m`."
        )
    from blocwatch.collector import collector_running

    # The collector polls due sources in a background thread while the site serves.
    with collector_running(settings):
        _serve(settings)


@actors_app.command("resolve")
def actors_resolve(
    file: Annotated[str, typer.Argument(help='JSON lines {"id","text","date"?}, or -.')] = "-",
    actors: ActorsOpt = None,
) -> None:
    """Resolve short phrases naming actors; prints {"id","actor"} per line."""
    from blocwatch.knowledge.resolve import resolve_lines

    settings = _settings(actors_files=actors or None)
    stream = sys.stdin if file == "-" else open(file, encoding="utf-8", errors="replace")  # noqa: SIM115
    for out in resolve_lines(stream, settings.actors_files):
        typer.echo(json.dumps(out, ensure_ascii=False))


@actors_app.command("show")
def actors_show(
    actor_id: Annotated[str, typer.Argument(help="Actor id, e.g. PRK, BRICS, person:kim-jong-un.")],
    actors: ActorsOpt = None,
) -> None:
    """Print what the knowledge base holds about an actor."""
    from blocwatch.knowledge import load_knowledge_base
    from blocwatch.knowledge.resolve import describe

    kb = load_knowledge_base(tuple(_settings(actors_files=actors or None).actors_files))
    info = describe(kb, actor_id)
    if info is None:
        _err(f"error: no actor {actor_id!r} in the knowledge base")
        raise typer.Exit(1)
    typer.echo(json.dumps(info, ensure_ascii=False, indent=2))


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseOpt = None) -> None:
    """Apply the database migrations (done automatically on first use)."""
    from blocwatch.store import migrate

    url = _settings(database_url=database_url).database_url
    migrate(url)
    typer.echo(f"database at {url} is up to date")


DataOpt = Annotated[Path, typer.Option("--data", help="Gold data file or folder.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", help="Score only the first N items.")]


# While `eval all --json` runs, each evaluation's report is collected here instead of printed.
_collected: list[Any] | None = None


def _report(report: Any, as_json: bool) -> None:
    if _collected is not None:
        _collected.append(report if isinstance(report, dict) else report.as_dict())
        return
    typer.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.table())


def _need(path: Path) -> None:
    if not path.exists():
        _err(f"error: gold data not found at {path}")
        raise typer.Exit(2)


NerModelOpt = Annotated[str | None, typer.Option(
    "--ner-model", help="Names model folder from `blocwatch train ner` (setting ner_model).")]


@eval_app.command("ner")
def eval_ner(
    data: DataOpt, as_json: JsonOpt = False, limit: LimitOpt = None, ner_model: NerModelOpt = None
) -> None:
    """Named entities on CoNLL-2003 (PER/ORG/LOC P/R/F1) with the configured pipeline."""
    from blocwatch.evaluation import ner

    _need(data)
    from blocwatch.nlp.names_training import NamesTrainingError

    settings = _settings(ner_model=ner_model)
    try:
        report = ner.evaluate(data, _pipeline(settings), limit)
    except NamesTrainingError as exc:  # a malformed gold file: named, with its line
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    report.facts["ner_model"] = settings.ner_model or "(the spaCy model's NER)"
    _report(report, as_json)


@eval_app.command("extraction")
def eval_extraction_cmd(data: DataOpt, as_json: JsonOpt = False, limit: LimitOpt = None) -> None:
    """Article-body extraction on the ScrapingHub benchmark, blocwatch vs bare trafilatura."""
    from blocwatch.ingest.evaluate import eval_extraction

    _need(data)
    result = eval_extraction(data, limit=limit)
    if as_json or _collected is not None:
        if _collected is not None:
            _collected.append(result)
        else:
            typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"extraction on {data} ({result['pages']} pages)")
    typer.echo(f"{'':12} {'P':>7} {'R':>7} {'F1':>7} {'exact':>7}")
    for name in ("blocwatch", "trafilatura"):
        r: Any = result[name]
        typer.echo(f"{name:12} {r['precision']:7.3f} {r['recall']:7.3f} {r['f1']:7.3f} {r['accuracy']:7.3f}")


@eval_app.command("actors")
def eval_actors(data: DataOpt, as_json: JsonOpt = False, limit: LimitOpt = None) -> None:
    """Actor → country on re3d affiliation relations, by phrase and in context."""
    from blocwatch.evaluation import actors

    _need(data)
    _report(actors.evaluate(data, _pipeline(_settings()), limit), as_json)


@eval_app.command("dates")
def eval_dates(data: DataOpt, as_json: JsonOpt = False, limit: LimitOpt = None) -> None:
    """Date normalisation on TempEval-3 TimeML: DATE value accuracy and detection P/R/F1."""
    from blocwatch.evaluation import dates

    _need(data)
    _report(dates.evaluate(data, limit), as_json)


@eval_app.command("quotes")
def eval_quotes(data: DataOpt, as_json: JsonOpt = False, limit: LimitOpt = None) -> None:
    """Quote attribution on a PolNeAR split: direct quotes with speaker, and all attributions."""
    from blocwatch.evaluation import quotes

    _need(data)
    _report(quotes.evaluate(data, _pipeline(_settings()), limit), as_json)


@eval_app.command("events")
def eval_events(data: DataOpt, as_json: JsonOpt = False, limit: LimitOpt = None) -> None:
    """Event coding: PETRARCH2 unit suite (source, target, CAMEO root) or PLOVER GSR event types."""
    from blocwatch.evaluation import events

    _need(data)
    _report(events.evaluate(data, limit=limit), as_json)


@eval_app.command("all")
def eval_all(
    data: DataOpt = Path("../shared/eval"), as_json: JsonOpt = False, limit: LimitOpt = None
) -> None:
    """Every evaluation whose gold data is found under DATA (--json: one JSON list of reports)."""
    global _collected
    tasks = [
        ("extraction", data / "extraction" / "scrapinghub-article-extraction", eval_extraction_cmd),
        ("ner", data / "ner" / "conll2003" / "dev.txt", eval_ner),
        ("events", data / "events" / "petrarch2-unit", eval_events),
        ("events", data / "events" / "plover-gsr", eval_events),
        ("quotes", data / "quotes" / "polnear" / "data" / "dev", eval_quotes),
        ("actors", data / "relations" / "re3d", eval_actors),
        ("dates", data / "time" / "tempeval3" / "Evaluation" / "te3-platinum", eval_dates),
    ]
    reports: list[Any] = []
    for name, path, command in tasks:
        if not path.exists():
            (_err if as_json else typer.echo)(f"{name}: skipped, no gold data at {path}")
            continue
        _collected = reports if as_json else None
        try:
            command(data=path, as_json=as_json, limit=limit)
        finally:
            _collected = None
        if not as_json:
            typer.echo("")
    if as_json:
        typer.echo(json.dumps(reports, indent=2))


@app.command("settings")
def show_settings() -> None:
    """Print the effective settings (after CLI, environment, file and defaults)."""
    typer.echo(json.dumps(_settings().model_dump(mode="json"), indent=2))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
