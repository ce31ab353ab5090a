"""Names NER: a CoNLL-style recogniser of persons, organisations and places run before the model's NER.

Why: en_core_web_sm's NER is trained on OntoNotes and finds PER/ORG/LOC in news at F1 0.65 on
CoNLL-2003 (ORG 0.40: agencies, clubs and firms named in Reuters style).  A recogniser fine-tuned
on CoNLL-style data (``blocwatch train ner``, blocwatch/nlp/names_training.py) does far better on
exactly the spans blocwatch resolves to actors, while the model's own NER stays the source of
everything else (dates, money, quantities, nationalities, events), which quotes and dates use.

How the two combine, in spaCy's own terms: the trained component (``names_ner``, sourced from the
folder the trainer wrote) runs first and sets its PER/ORG/LOC spans as *preset* entities, mapped to
the OntoNotes labels the rest of blocwatch reads (PER -> PERSON, ORG -> ORG, LOC -> GPE; the
knowledge base decides later whether a place is a state).  Every other token is left *missing*
(``Doc.set_ents(default="missing")``), and a transition-based NER respects preset entities and
fills only the missing tokens — so the model's NER adds DATE, NORP, MONEY... around the names
without overwriting them; the persons, organisations and places it adds on its own are dropped
after it (``names_filter``).  MISC spans of the names model are dropped to missing for the same reason:
the model's NER labels "German" NORP and "World Cup" EVENT, which CoNLL's MISC lumps together.

Cost: one more NER pass (its own tok2vec), about +40 % of the pipeline's time, which is why it is
opt-in (``Settings.ner_model`` / ``BLOCWATCH_NER_MODEL`` / ``--ner-model``) and not the default.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["LABEL_MAP", "NamesModelError", "add_names_ner"]

# CoNLL label -> the OntoNotes label blocwatch's components read (actors.py, events, quotes).
LABEL_MAP = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
NAMES_PIPE = "names_ner"
RELABEL_PIPE = "names_labels"
FILTER_PIPE = "names_filter"
_FOUND_KEY = "blocwatch_names_found"
# The OntoNotes labels for names: only the names model may set these when it runs.
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})


class NamesModelError(ValueError):
    """The names model folder is missing or is not one ``blocwatch train ner`` wrote."""


@Language.component(
    RELABEL_PIPE,
    requires=["doc.ents"],
    assigns=["doc.ents"],
)
def relabel_names(doc: Doc) -> Doc:
    """CoNLL labels -> OntoNotes labels as preset entities; MISC and the rest left missing."""
    kept = [Span(doc, e.start, e.end, label=LABEL_MAP[e.label_]) for e in doc.ents if e.label_ in LABEL_MAP]
    doc.user_data[_FOUND_KEY] = {(e.start, e.end) for e in kept}
    doc.set_ents(kept, default="missing")
    return doc


@Language.component(
    FILTER_PIPE,
    requires=["doc.ents"],
    assigns=["doc.ents"],
)
def keep_only_found_names(doc: Doc) -> Doc:
    """After the model's NER: drop the persons, organisations and places it added on its own.

    Measured on CoNLL-2003 dev, the names model alone is more precise than the union (0.91 vs
    0.87): where it said "no name", the model's NER is usually wrong.  Its other labels stay."""
    found = doc.user_data.pop(_FOUND_KEY, None)
    if found is None:
        return doc
    ents = [e for e in doc.ents if e.label_ not in _NAME_LABELS or (e.start, e.end) in found]
    if len(ents) != len(doc.ents):
        doc.set_ents(ents, default="outside")
    return doc


def add_names_ner(nlp: Language, path: str | Path) -> None:
    """Insert the trained names recogniser of ``path`` (and its relabelling) before ``nlp``'s NER."""
    folder = Path(path).expanduser()
    if not (folder / "config.cfg").is_file():
        raise NamesModelError(f"{folder}: not a names model folder (no config.cfg); "
                              "write one with `blocwatch train ner --data TRAIN --out FOLDER`")
    try:
        source = spacy.load(folder)
    except (OSError, ValueError) as exc:
        raise NamesModelError(f"{folder}: cannot load the names model: {exc}") from exc
    if "ner" not in source.pipe_names:
        raise NamesModelError(f"{folder}: the model has no 'ner' component")
    labels = set(source.get_pipe("ner").labels)  # type: ignore[attr-defined]
    if not labels & set(LABEL_MAP):
        raise NamesModelError(f"{folder}: the model's labels {sorted(labels)} hold none of "
                              f"{sorted(LABEL_MAP)} (train it on CoNLL-style PER/ORG/LOC data)")
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {"last": True}
    nlp.add_pipe("ner", name=NAMES_PIPE, source=source, **where)  # type: ignore[arg-type]
    nlp.add_pipe(RELABEL_PIPE, after=NAMES_PIPE)
    if "ner" in nlp.pipe_names:
        nlp.add_pipe(FILTER_PIPE, after="ner")
