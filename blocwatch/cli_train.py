"""``blocwatch train ner``: fine-tune a names recogniser (see :mod:`blocwatch.nlp.names_training`).

Registered in :mod:`blocwatch.cli` as the ``train`` group.  The folder it writes is what the
``ner_model`` setting (``BLOCWATCH_NER_MODEL``, ``eval ner --ner-model``) loads.  Exit code 2 when
the data is missing or malformed; nothing is written then.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["train_app"]

train_app = typer.Typer(help="Train models from your own annotated data.", no_args_is_help=True)


@train_app.command("ner")
def train_ner(
    data: Annotated[Path, typer.Option("--data", help="CoNLL-style training file (IOB tag last).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the names model to.")],
    dev: Annotated[
        Path | None, typer.Option("--dev", help="CoNLL-style file scored after each epoch.")
    ] = None,
    epochs: Annotated[int, typer.Option("--epochs", help="Passes over the training data.")] = 3,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Train on the first N sentences only.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (shuffling, dropout).")] = 0,
    spacy_model: Annotated[
        str | None, typer.Option("--spacy-model", help="Base spaCy model whose NER is fine-tuned.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Fine-tune the spaCy model's NER on PER/ORG/LOC/MISC data into a names model folder."""
    from blocwatch.nlp.names_training import NamesTrainingError, train_names

    for path in (data, dev):
        if path is not None and not path.is_file():
            typer.echo(f"error: training data not found at {path}", err=True)
            raise typer.Exit(2)

    def progress(row: dict[str, object]) -> None:
        if not as_json:
            typer.echo(json.dumps(row), err=True)

    try:
        report = train_names(data, out, dev=dev, epochs=epochs, base_model=spacy_model or "",
                             seed=seed, limit=limit, progress=progress)
    except NamesTrainingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        typer.echo(f"names model written to {out} ({report.sentences} sentences, "
                   f"{report.entities} entities, {len(report.epochs)} epochs)")
        typer.echo(f"use it with BLOCWATCH_NER_MODEL={out} or `blocwatch eval ner --ner-model {out}`")
