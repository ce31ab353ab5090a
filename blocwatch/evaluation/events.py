"""Event-coding evaluation on gold records in the normalised JSON-lines form of ``../shared/eval``.

Two suites, told apart by what the folder holds:

* **PETRARCH2 unit tests** (``PETR.Validate.*`` dictionaries present): the fictional actors
  (Arnor, Gondor, ...) are loaded into the knowledge base from the suite's own dictionaries, then
  each record's expected (source, target, CAMEO code) triples are compared with ours as
  (source actor code, target actor code, CAMEO root).  The suite's ``PETR.Validate.verbs.txt`` is
  loaded as a user verb dictionary (``--verbs``), as PETRARCH itself codes with it.  Actor codes
  are compared on their first three letters (the country or IGO part), as CAMEO's own root-level
  agreement is usually reported.  Negated events are not counted as having happened; records marked
  ``negative`` expect nothing, so whatever we code there is a false positive.
* **PLOVER GSR** (records carry ``plover``): the share of gold events whose PLOVER type we find
  in the sentence (``type_accuracy``; every GSR record has one event), with precision over the
  types we emit; per-type rows; and who did what to whom, as precision/recall/F1 over
  (source country, target country, type) triples (``triple_*``: a person or organisation counts
  for its country, blocs and IGOs as ``IGO``, a missing side as ``---``; compound sides expand).
  The GSR is coded in PLOVER 0.5b1, whose DEMAND, DISAPPROVE,
  INVESTIGATE and FIGHT became REQUEST, ACCUSE, ACCUSE and ASSAULT in the 2021 ontology we
  emit; gold labels are mapped so (``plover_2021``) rather than scoring a renamed category as
  an error.  Negated events do not count; intentions do (PLOVER codes "threatened to" and
  "agreed to" as THREATEN and AGREE), and records marked ``negative`` expect nothing.

Scoring choices for the PETRARCH2 suite: PETRARCH codes modal and future statements ("will
meet", "is about to restore") like any other (its gold does), so hypothetical events count
there; negated ones do not, except where a dictionary pattern spelled the negation itself
("WILL NOT *"), which the coder then leaves unnegated with the pattern's code.
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
from blocwatch.records import Actor, Article, Event

__all__ = ["evaluate"]

_PETRARCH_DICTIONARIES = ("PETR.Validate.actors.txt", "PETR.Validate.agents.txt")
_PETRARCH_VERBS = ("PETR.Validate.verbs.txt",)
# PLOVER 0.5b1 categories (the GSR's "plover_version") folded into the 2021 ontology, as the
# 2021 manual and its CAMEO-to-PLOVER table do: CAMEO 09 and 11 are ACCUSE (modes investigate,
# disapprove/allege), 10 is REQUEST, 19 is ASSAULT.
_PLOVER_2021 = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}


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
    # PETRARCH writes "---" for a side it found no actor for; an event we coded with one side
    # unknown is the same statement.
    return (actor or "---")[:3].upper()


def _happened(event: Event) -> bool:
    return not event.negated and not event.hypothetical


def _petrarch(folder: Path, limit: int | None) -> Report:
    extra = tuple(folder / name for name in _PETRARCH_DICTIONARIES if (folder / name).exists())
    kb = load_knowledge_base(extra)
    verbs = tuple(folder / name for name in _PETRARCH_VERBS if (folder / name).exists())
    # The suite's discard dictionary too, as a user brings theirs with --discards.
    discards = tuple(p for p in [folder / "PETR.Validate.discards.txt"] if p.exists())
    pipeline = Pipeline(kb=kb, verbs_files=verbs, discards_files=discards)
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
                     for e in analysis.events if not e.negated}
        overall.add(gold, predicted)
        for root in {t[2] for t in gold | predicted}:
            categories.setdefault(root, PRF()).add({t for t in gold if t[2] == root},
                                                   {t for t in predicted if t[2] == root})
    return Report("events (PETRARCH2 unit suite)", str(folder), overall, categories,
                  {"records": len(records), "dictionaries": [p.name for p in extra + verbs + discards]})


def plover_2021(kind: str) -> str:
    """A gold PLOVER category in the 2021 ontology our coder emits (see the module docstring)."""
    return _PLOVER_2021.get(kind.upper(), kind.upper())


# The GSR keeps a few pre-ISO CAMEO country codes; our actors carry ISO 3166 alpha-3.
_GSR_CODES = {"ITL": "ITA", "JAP": "JPN", "VTN": "VNM"}


def _gold_triples(record: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(source country, target country, PLOVER type) of a GSR record; compound sides expand."""
    triples = set()
    for event in record.get("expected", []):
        if not event.get("plover"):
            continue
        sources = [_GSR_CODES.get(side[0], side[0]) or "---" for side in event.get("source") or []]
        targets = [_GSR_CODES.get(side[0], side[0]) or "---" for side in event.get("target") or []]
        sources, targets = sources or ["---"], targets or ["---"]
        triples |= {(a, b, plover_2021(event["plover"])) for a in sources for b in targets}
    return triples


def _country(actor_id: str | None, actors: dict[str, Actor]) -> str:
    """The GSR's side code of one of our actors: a state's ISO3, a person's or an organisation's
    country, ``IGO`` for blocs and intergovernmental organisations, ``---`` when unknown."""
    actor = actors.get(actor_id or "")
    if actor is None:
        return "---"
    if actor.kind in ("igo", "bloc"):
        return "IGO"
    if actor.kind == "state":
        return actor.id[:3]
    return (actor.country or "---")[:3]


def _plover(folder: Path, limit: int | None) -> Report:
    pipeline = get_pipeline()
    overall = PRF()
    triples = PRF()
    categories: dict[str, PRF] = {}
    hits = total = 0
    records = list(_records(folder, limit))
    articles = [Article(id=r["id"], text=r["text"], published=_date(r.get("date"))) for r in records]
    for record, analysis in zip(records, pipeline.analyze_many(articles), strict=True):
        gold = {plover_2021(e["plover"]) for e in record.get("expected", []) if e.get("plover")}
        if record.get("negative"):
            gold = set()
        predicted = {e.plover for e in analysis.events if not e.negated}
        overall.add(gold, predicted)
        actors = {a.id: a for a in analysis.actors}
        triples.add(set() if record.get("negative") else _gold_triples(record),
                    {(_country(e.source, actors), _country(e.target, actors), e.plover)
                     for e in analysis.events if not e.negated})
        for kind in gold | predicted:
            categories.setdefault(kind, PRF()).add(gold & {kind}, predicted & {kind})
        hits += len(gold & predicted)
        total += len(gold)
    accuracy = round(hits / total, 4) if total else 0.0
    return Report("events (PLOVER type)", str(folder), overall, categories,
                  {"records": len(records), "type_accuracy": accuracy,
                   # Who did what to whom: (source country, target country, type) triples.
                   "triple_precision": round(triples.precision, 4),
                   "triple_recall": round(triples.recall, 4), "triple_f1": round(triples.f1, 4)})


def evaluate(folder: Path, limit: int | None = None) -> Report:
    """Score event coding on the suite in ``folder`` (see the module docstring)."""
    if any((folder / name).exists() for name in _PETRARCH_DICTIONARIES):
        return _petrarch(folder, limit)
    return _plover(folder, limit)
