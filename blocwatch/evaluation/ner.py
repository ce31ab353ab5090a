"""Named-entity evaluation on CoNLL-2003 (IOB2, PER/ORG/LOC/MISC).

The gold tokens are given to spaCy as they are (no re-tokenisation), the pipeline's actor
mentions are mapped to CoNLL types (PERSON -> PER, ORG -> ORG, GPE/LOC/FAC -> LOC, NORP -> MISC)
and scored by exact span and type, as conlleval does.  The knowledge base gazetteer takes part, so
this measures what blocwatch itself finds, not the bare model.
"""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc

from blocwatch.evaluation.metrics import PRF, Report
from blocwatch.nlp.names_training import read_conll_file as read_conll
from blocwatch.nlp.names_training import spans_of
from blocwatch.nlp.pipeline import Pipeline

__all__ = ["evaluate", "read_conll"]

_TO_CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "MISC"}
SCORED = ("PER", "ORG", "LOC")


def evaluate(path: Path, pipeline: Pipeline, limit: int | None = None) -> Report:
    sentences = list(read_conll(path))[:limit]
    nlp = pipeline.nlp
    docs = []
    for words, _ in sentences:
        doc = Doc(nlp.vocab, words=words, spaces=[True] * len(words))
        doc._.published = None
        docs.append(doc)
    overall = PRF()
    categories = {k: PRF() for k in SCORED}
    disabled = [n for n in ("blocwatch_quotes", "blocwatch_events") if n in nlp.pipe_names]
    with nlp.select_pipes(disable=disabled):
        parsed = list(nlp.pipe(docs, batch_size=256))
    for (_words, tags), doc in zip(sentences, parsed, strict=True):
        gold = {s for s in spans_of(tags) if s[2] in SCORED}  # a malformed line raises, named
        predicted = set()
        for m in doc._.mentions or []:
            kind = _TO_CONLL.get(m.label)
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if kind in SCORED and span is not None:
                predicted.add((span.start, span.end, kind))
        overall.add(gold, predicted)
        for kind, prf in categories.items():
            prf.add({s for s in gold if s[2] == kind}, {s for s in predicted if s[2] == kind})
    return Report("ner", str(path), overall, categories, {"sentences": len(sentences)})
