"""Event-coding evaluation on gold records in the normalised JSON-lines form of ``../shared/eval``.

Two suites, told apart by what the folder holds:

* **PETRARCH2 unit tests** (``PETR.Validate.*`` dictionaries present): the fictional actors
  (Arnor, Gondor, ...) are loaded into the knowledge base from the suite's own dictionaries, then
  each record's expected (source, target, CAMEO code) triples are compared with ours as
  (source actor code, target actor code, CAMEO root).  Actor codes are compared on their first
  three letters (the country or IGO part), as CAMEO's own root-level agreement is usually
  reported.  Negated and hypothetical events are not counted as having happened; records marked
  ``negative`` expect nothing, so whatever we code there is a false positive.
* **PLOVER GSR** (records carry ``plover``): the share of gold events whose PLOVER type we find
  in the sentence, with precision over the types we emit; per-type rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from blocwatch.evaluation.metrics import PRF, Report
from blocwatch.knowledge import load_knowledge_base
from blocwatch.nlp.pipeline import Pipeline, get_pipeline
from blocwatch.records import Article, Event

__all__ = ["evaluate"]

_PETRARCH_DICTIONARIES = ("PETR.Validate.actors.txt", "PETR.Validate.agents.txt")


def _records(folder: Path, limit: int | None) -> Iterator[dict[str, Any]]:
    with (folder / "records.jsonl").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                return
            if line.strip():
                yield json.loads(line)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    digits = value.replace("-", "")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _code(actor: str | None) -> str:
    return (actor or "")[:3].upper()


def _happened(event: Event) -> bool:
    return not event.negated and not event.hypothetical


def _petrarch(folder: Path, limit: int | None) -> Report:
    extra = tuple(folder / name for name in _PETRARCH_DICTIONARIES if (folder / name).exists())
    kb = load_knowledge_base(extra)
    pipeline = Pipeline(kb=kb)
    overall = PRF()
    categories: dict[str, PRF] = {}
    records = list(_records(folder, limit))
    articles = [Article(id=r["id"], text=r["text"], published=_date(r.get("date"))) for r in records]
    for record, analysis in zip(records, pipeline.analyze_many(articles), strict=True):
        gold = set()
        if not record.get("negative"):
            gold = {(_code(e["source"]), _code(e["target"]), (e.get("code") or "")[:2])
                    for e in record.get("expected", []) if e.get("code")}
        predicted = {(_code(e.source_cameo), _code(e.target_cameo), e.cameo[:2])
                     for e in analysis.events if _happened(e)}
        overall.add(gold, predicted)
        for root in {t[2] for t in gold | predicted}:
            categories.setdefault(root, PRF()).add({t for t in gold if t[2] == root},
                                                   {t for t in predicted if t[2] == root})
    return Report("events (PETRARCH2 unit suite)", str(folder), overall, categories,
                  {"records": len(records), "dictionaries": [p.name for p in extra]})


def _plover(folder: Path, limit: int | None) -> Report:
    pipeline = get_pipeline()
    overall = PRF()
    categories: dict[str, PRF] = {}
    hits = total = 0
    records = list(_records(folder, limit))
    articles = [Article(id=r["id"], text=r["text"], published=_date(r.get("date"))) for r in records]
    for record, analysis in zip(records, pipeline.analyze_many(articles), strict=True):
        gold = {e["plover"] for e in record.get("expected", []) if e.get("plover")}
        if record.get("negative"):
            gold = set()
        predicted = {e.plover for e in analysis.events if not e.negated}
        overall.add(gold, predicted)
        for kind in gold | predicted:
            categories.setdefault(kind, PRF()).add(gold & {kind}, predicted & {kind})
        hits += len(gold & predicted)
        total += len(gold)
    accuracy = round(hits / total, 4) if total else 0.0
    return Report("events (PLOVER type)", str(folder), overall, categories,
                  {"records": len(records), "type_accuracy": accuracy})


def evaluate(folder: Path, limit: int | None = None) -> Report:
    """Score event coding on the suite in ``folder`` (see the module docstring)."""
    if any((folder / name).exists() for name in _PETRARCH_DICTIONARIES):
        return _petrarch(folder, limit)
    return _plover(folder, limit)
