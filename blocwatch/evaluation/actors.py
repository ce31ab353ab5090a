"""Actor-to-country evaluation on re3d (Dstl): does blocwatch give an actor the right country?

re3d names no country codes, but its ``BelongsTo`` / ``HasAttrOf`` relations tie an entity
("senior Iraqi officials", "a team of Iraqi preservationists") to another ("the Government of
Iraq", "Syrian").  Where that target names a state unambiguously (the knowledge base resolves the
target's own words to a state), that state is the gold country of the source entity.  We then
score, over those pairs (relation confidence >= 0.5):

* **phrase**: ``KnowledgeBase.lookup`` on the source entity's words alone, as
  ``blocwatch actors resolve`` does;
* **in context**: the pipeline's mention at the source span in the analysed document (the actor's
  country, or the state itself), as ``blocwatch analyze`` does.

A prediction with no country counts against recall only; a wrong country against both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from blocwatch.evaluation.metrics import PRF, Report
from blocwatch.knowledge import KnowledgeBase
from blocwatch.nlp.pipeline import Pipeline
from blocwatch.records import Actor, Analysis, Article

__all__ = ["evaluate"]

_AFFILIATIONS = {"BelongsTo", "HasAttrOf"}


def _lines(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _country(actor: Actor | None) -> str:
    if actor is None:
        return ""
    return actor.country or (actor.id if actor.kind in {"state", "territory"} else "")


def _score(prf: PRF, gold: str, predicted: str) -> None:
    if predicted == gold:
        prf.tp += 1
    elif predicted:
        prf.fp += 1
        prf.fn += 1
    else:
        prf.fn += 1


def _in_context(analysis: Analysis, start: int, end: int) -> str:
    actors = {a.id: a for a in analysis.actors}
    for mention in analysis.mentions:
        if mention.start < end and start < mention.end and mention.actor:
            found = _country(actors.get(mention.actor))
            if found:
                return found
    return ""


def evaluate(root: Path, pipeline: Pipeline, limit: int | None = None) -> Report:
    kb: KnowledgeBase = pipeline.kb
    phrase, context = PRF(), PRF()
    pairs = 0
    folders = sorted(p for p in root.iterdir() if (p / "documents.json").exists())
    for folder in folders:
        documents = {d["_id"]: d for d in _lines(folder / "documents.json")}
        relations = [r for r in _lines(folder / "relations.json")
                     if r.get("type") in _AFFILIATIONS and r.get("confidence", 0) >= 0.5]
        wanted = []
        for rel in relations:
            gold = _country(kb.lookup(rel["target"]))
            if gold and rel["documentId"] in documents:
                wanted.append((rel, gold))
        ids = sorted({rel["documentId"] for rel, _ in wanted})
        articles = [Article(id=i, text=documents[i]["text"]) for i in ids]
        analyses = {a.article.id: a for a in pipeline.analyze_many(articles)}
        for rel, gold in wanted:
            if limit is not None and pairs >= limit:
                break
            pairs += 1
            _score(phrase, gold, _country(kb.lookup(rel["source"])))
            _score(context, gold, _in_context(analyses[rel["documentId"]], rel["sourceBegin"],
                                              rel["sourceEnd"]))
    return Report("actors → country (re3d affiliations)", str(root), context,
                  {"phrase": phrase, "in context": context},
                  {"pairs": pairs, "phrase_accuracy": round(phrase.tp / pairs, 4) if pairs else 0.0,
                   "context_accuracy": round(context.tp / pairs, 4) if pairs else 0.0})
