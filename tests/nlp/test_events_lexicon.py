"""The event lexicon and the CAMEO table it is checked against."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from blocwatch.nlp.events_lexicon import DATA, LexiconError, load_lexicon, parse_lexicon, read_cameo_table

ROOT = Path(__file__).resolve().parents[2]
CAMEO_SRC = ROOT / ".." / "shared" / "reference" / "cameo"
PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}  # fmt: skip


def test_every_plover_type_has_verbs_and_nouns() -> None:
    lex = load_lexicon()
    assert {e.plover for e in lex.verbs.values()} == PLOVER_TYPES
    assert {e.plover for e in lex.nouns.values()} == PLOVER_TYPES


def test_quad_and_goldstein_come_from_the_table() -> None:
    lex = load_lexicon()
    attend = lex.verbs["attend"]
    assert (attend.plover, attend.cameo, attend.quad_class, attend.goldstein) == ("CONSULT", "042", 1, 1.9)
    sanctions = lex.nouns["sanction"]
    assert (sanctions.plover, sanctions.cameo, sanctions.quad_class, sanctions.goldstein) == (
        "SANCTION",
        "163",
        4,
        -8.0,
    )
    tension = lex.nouns["tension"]
    assert tension.quad_class == 3 and tension.plover == "ACCUSE"
    assert lex.recode(lex.warm_event, "061").quad_class == 2
    for entry in [*lex.verbs.values(), *lex.nouns.values(), *lex.verb_objects.values()]:
        row = lex.code(entry.cameo)
        assert (entry.quad_class, entry.goldstein) == (row.quad_class, row.goldstein)


def test_table_quad_classes() -> None:
    codes = read_cameo_table(DATA / "cameo_table.tsv")
    assert codes["057"].quad_class == 1 and codes["061"].quad_class == 2
    assert codes["112"].quad_class == 3 and codes["190"].quad_class == 4
    assert codes["190"].goldstein == -10.0 and codes["0874"].plover == "RETREAT"


def test_bad_code_is_named() -> None:
    codes = read_cameo_table(DATA / "cameo_table.tsv")
    with pytest.raises(LexiconError, match=r"verbs\.parley.*'999'"):
        parse_lexicon(
            {
                "verbs": {"parley": {"plover": "CONSULT", "cameo": "999"}},
                "relations": {"warm_event": {"cameo": "050"}, "cool_event": {"cameo": "161"}},
            },
            codes,
            "mine.yaml",
        )
    with pytest.raises(LexiconError, match="needs at least a cameo"):
        parse_lexicon({"nouns": {"parley": {"plover": "CONSULT"}}}, codes, "mine.yaml")


@pytest.mark.skipif(not (CAMEO_SRC / "CAMEO_codefile.txt").exists(), reason=f"CAMEO files not at {CAMEO_SRC}")
def test_table_is_regenerated_identically(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_cameo_table", ROOT / "scripts" / "build_cameo_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "table.tsv"
    assert module.main(["build", str(CAMEO_SRC), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (DATA / "cameo_table.tsv").read_text(encoding="utf-8")


def test_bare_on_in_yaml_is_the_preposition() -> None:
    # YAML 1.1 reads a bare ``on`` as True; the lexicon must read it as the word.
    from blocwatch.nlp.events_lexicon import load_lexicon

    lex = load_lexicon()
    assert "on" in lex.nouns["war"].preps and True not in lex.nouns["war"].preps  # type: ignore[comparison-overlap]
    assert all(isinstance(p, str) for e in lex.nouns.values() for p in e.preps)


# A wire journalist's words for each PLOVER type, beyond those of the gold suites: which
# section of the lexicon holds each, and the type and CAMEO code it must carry.
JOURNALIST_WORDS = [
    ("verbs", "convene", "CONSULT", "040"), ("verbs", "speak with", "CONSULT", "040"),
    ("verbs", "bargain", "CONSULT", "046"), ("nouns", "conversation", "CONSULT", "040"),
    ("verbs", "guarantee", "AGREE", "030"), ("nouns", "pact", "AGREE", "030"),
    ("verbs", "congratulate", "SUPPORT", "051"), ("verbs", "ratify", "SUPPORT", "057"),
    ("verb_objects", "welcome decision", "SUPPORT", "051"),
    ("verbs", "extradite", "COOPERATE", "063"), ("verbs", "team up", "COOPERATE", "060"),
    ("verb_objects", "join force", "COOPERATE", "060"),
    ("verbs", "airlift", "AID", "073"), ("verb_objects", "supply weapon", "AID", "072"),
    ("verb_objects", "deploy peacekeeper", "AID", "074"),
    ("verbs", "cave in", "CONCEDE", "080"), ("verb_objects", "end curfew", "CONCEDE", "0813"),
    ("verbs", "pardon", "RETREAT", "0841"), ("verbs", "pull back", "RETREAT", "087"),
    ("verb_objects", "pull troop", "RETREAT", "0872"), ("nouns", "pullout", "RETREAT", "087"),
    ("verbs", "lambaste", "ACCUSE", "111"), ("verbs", "lash out", "ACCUSE", "111"),
    ("verbs", "convict", "ACCUSE", "116"), ("verb_objects", "dispatch inspector", "ACCUSE", "090"),
    ("verbs", "implore", "REQUEST", "020"), ("nouns", "plea", "REQUEST", "020"),
    ("verbs", "spurn", "REJECT", "120"), ("verb_objects", "block resolution", "REJECT", "129"),
    ("verbs", "intimidate", "THREATEN", "130"), ("nouns", "warning", "THREATEN", "130"),
    ("verbs", "walk out", "PROTEST", "143"), ("nouns", "vigil", "PROTEST", "141"),
    ("verbs", "amass", "MOBILIZE", "154"), ("nouns", "patrol", "MOBILIZE", "150"),
    ("verbs", "blacklist", "SANCTION", "163"), ("verb_objects", "freeze asset", "SANCTION", "163"),
    ("verbs", "disperse", "COERCE", "175"), ("verbs", "besiege", "COERCE", "191"),
    ("nouns", "deportation", "COERCE", "174"),
    ("verbs", "wound", "ASSAULT", "190"), ("verb_objects", "open fire", "ASSAULT", "193"),
    ("nouns", "clash", "ASSAULT", "190"), ("nouns", "mortar fire", "ASSAULT", "194"),
]  # fmt: skip


@pytest.mark.parametrize(("section", "key", "plover", "cameo"), JOURNALIST_WORDS)
def test_journalist_vocabulary(section: str, key: str, plover: str, cameo: str) -> None:
    entry = getattr(load_lexicon(), section)[key]
    assert (entry.plover, entry.cameo) == (plover, cameo)


def test_journalist_vocabulary_covers_every_plover_type() -> None:
    assert {plover for _, _, plover, _ in JOURNALIST_WORDS} == PLOVER_TYPES


def test_established_and_mended_ties_warm_strained_ties_cool() -> None:
    lex = load_lexicon()
    assert {"establish", "resume", "mend"} <= lex.warm
    assert {"strain", "undermine"} <= lex.cool
    assert "friendship" in lex.relation_nouns

