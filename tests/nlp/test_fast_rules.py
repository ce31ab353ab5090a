"""The compiled attribute ruler and the memoised lemmatizer give exactly what spaCy's own give."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from blocwatch.nlp.fast_rules import compile_attribute_ruler, memoise_lemmatizer
from blocwatch.nlp.pipeline import choose_model

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
GUARDIAN = SHARED / "corpus" / "guardian-syria" / "Guardian_SDF_sample.csv"

# Written for this test: the rare shapes the ruler's exceptions exist for.
OWN_TEXTS = [
    "Y'all ain't gonna believe it, but let's see. There is a deal, and there were talks.",
    "Gotta go now.  C'mon!\n\nThe minister gets what she wants; he got nothing, and nobody knows why.",
    "Whether or not the bloc admits them, those states that applied will wait.  Anything else?",
]


def _attributes(docs: list[Doc]) -> list[tuple[str, str, str, str, str]]:
    return [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for d in docs for t in d]


def _compare(texts: list[str]) -> int:
    nlp = spacy.load(choose_model())
    with nlp.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        parsed = list(nlp.pipe(texts))
    data = DocBin(store_user_data=False, docs=parsed).to_bytes()
    ours = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    theirs = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    for doc in theirs:
        lemmatizer(ruler(doc))
    assert compile_attribute_ruler(ruler) and memoise_lemmatizer(lemmatizer)
    for doc in ours:
        lemmatizer(ruler(doc))
    expected, got = _attributes(theirs), _attributes(ours)
    assert got == expected
    return len(got)


def test_same_attributes_on_our_texts() -> None:
    assert _compare(OWN_TEXTS) > 50


@pytest.mark.shared
def test_same_attributes_on_real_news() -> None:
    if not GUARDIAN.exists():
        pytest.skip(f"needs the Guardian sample at {GUARDIAN}")
    csv.field_size_limit(1 << 30)
    with GUARDIAN.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row, _ in zip(csv.DictReader(handle), range(40), strict=False)]
    assert _compare(texts) > 10_000


def test_unsupported_rules_leave_the_ruler_alone() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "big", "OP": "+"}]], {"POS": "ADJ"})
    assert not compile_attribute_ruler(ruler)
    doc = ruler(nlp("big big dog"))
    assert [t.pos_ for t in doc] == ["ADJ", "ADJ", ""]


def test_memoised_lemmatizer_only_for_the_english_rule_lemmatizer() -> None:
    nlp = spacy.blank("en")
    lookup = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert not memoise_lemmatizer(lookup)
