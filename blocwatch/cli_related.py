"""``blocwatch eval related``: relevance of the related-articles methods (see
:mod:`blocwatch.evaluation.related`).  Registered in :mod:`blocwatch.cli`'s ``eval`` group with
``eval_app.command("related")(eval_related)``; exit code 2 when the data is missing or unreadable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["eval_related"]


def eval_related(
    data: Annotated[
        Path, typer.Option("--data", help="Corpus folder (Reuters-21578, BBC News, article CSV).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Documents per corpus (sampled evenly).")
    ] = None,
    method: Annotated[
        list[str] | None, typer.Option("--method", help="tfidf | tfidf-actors | embedding (repeatable).")
    ] = None,
) -> None:
    """Related articles: P@5, nDCG@5, MRR and speed of the embedding and TF-IDF methods."""
    from blocwatch.evaluation.related import METHOD_NAMES, evaluate

    try:
        report = evaluate(data, limit, tuple(method) if method else METHOD_NAMES)
    except (ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.table())
